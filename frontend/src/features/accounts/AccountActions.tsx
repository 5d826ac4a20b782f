import { useState } from "react";
import { api, ApiError, ifMatch, unwrap, type Problem } from "../../api/client";
import type { components } from "../../api/schema";
import { useLoad } from "../../components/Loaded";
import { formatDate, useI18n } from "../../i18n";
import { asError, useT } from "./common";

type AccountStatus = components["schemas"]["AccountStatus"];

/**
 * A coordinator's account actions on one row of the directory's people list: invite (or invite again while the
 * invitation is pending), deactivate or reactivate, each change after a confirmation.
 */
export function AccountActions({
  networkId,
  person,
}: {
  networkId: string;
  person: { id: string; name: string; email?: string | null };
}) {
  const t = useT();
  const { language } = useI18n();
  const path = { network_id: networkId, person_id: person.id };
  const status = useLoad<AccountStatus>(
    () => api.GET("/api/v1/networks/{network_id}/people/{person_id}/account", { params: { path } }).then(unwrap),
    [networkId, person.id],
  );
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setMessage("");
    try {
      setMessage(await action());
      status.reload();
    } catch (err) {
      setError(asError(err));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const invite = () =>
    act(async () => {
      const result = await api.POST("/api/v1/networks/{network_id}/people/{person_id}/invitation", {
        params: { path },
      });
      if (result.error !== undefined || !result.data) throw new ApiError(result.error as Problem);
      const sent = result.data;
      return sent.status === "linked"
        ? t("accountLinked", { email: sent.email })
        : t("accountInvited", {
            email: sent.email,
            date: sent.expires_at ? formatDate(sent.expires_at, language) : "",
          });
    });
  const toggle = (current: AccountStatus) =>
    act(async () => {
      unwrap(
        await api.PATCH("/api/v1/networks/{network_id}/people/{person_id}/account", {
          params: { path },
          body: { is_active: !current.is_active },
          headers: ifMatch(current),
        }),
      );
      return t(current.is_active ? "deactivated" : "reactivated", { name: person.name });
    });

  const current = status.data;
  if (status.error) return <span className="field-error">{status.error.problem.detail}</span>;
  if (!current) return <span className="muted">{t("loading")}</span>;
  const canInvite = !current.has_account || current.awaiting_password;
  return (
    <span className="account-actions" data-testid={`account-actions-${person.id}`}>
      {current.awaiting_password && <span className="muted">{t("accountPending")} </span>}
      {current.has_account && !current.is_active && <span className="muted">{t("accountInactive")} </span>}
      {canInvite &&
        (person.email ? (
          <button type="button" className="secondary" disabled={busy} onClick={() => void invite()}>
            {current.awaiting_password ? t("accountInviteAgain") : t("accountInvite")}
          </button>
        ) : (
          <span className="muted">{t("noEmail")}</span>
        ))}
      {current.has_account && !current.awaiting_password && !confirming && (
        <button
          type="button"
          className={current.is_active ? "danger" : "secondary"}
          disabled={busy}
          onClick={() => setConfirming(true)}
          aria-label={`${current.is_active ? t("accountDeactivate") : t("accountReactivate")} ${person.name}`}
        >
          {current.is_active ? t("accountDeactivate") : t("accountReactivate")}
        </button>
      )}
      {confirming && (
        <span className="card confirm" role="alertdialog">
          <span>{t(current.is_active ? "confirmDeactivate" : "confirmReactivate", { name: person.name })}</span>
          <button type="button" className="danger" disabled={busy} onClick={() => void toggle(current)}>
            {t("confirmYes")}
          </button>
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            {t("confirmNo")}
          </button>
        </span>
      )}
      {message && (
        <span className="notice" role="status">
          {message}
        </span>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error.problem.detail}
        </span>
      )}
    </span>
  );
}
