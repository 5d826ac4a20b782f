import { useState, type FormEvent, type ReactElement } from "react";
import { Link, useLocation } from "react-router-dom";
import { api, ApiError, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { Loaded, useLoad } from "../../components/Loaded";
import { formatDate, useI18n } from "../../i18n";
import { AccountScreen, asError, ErrorAlert, useLinkToken, usePasswordFields, useT } from "./common";

type InvitationInfo = components["schemas"]["InvitationInfo"];

/** The pages reached without a session (from an e-mail's link, or from the login page). */
export const PUBLIC_PATHS: Record<string, () => ReactElement> = {
  "/cuenta/invitacion": () => <AcceptInvitationPage />,
  "/cuenta/olvide": () => <ForgotPasswordPage />,
  "/cuenta/restablecer": () => <ResetPasswordPage />,
};

/** The public account page of the current path, or null (the app goes on as usual). */
export function usePublicAccountPage(): ReactElement | null {
  const { pathname } = useLocation();
  const page = PUBLIC_PATHS[pathname.replace(/\/+$/, "")];
  return page ? page() : null;
}

function Done({ text }: { text: string }) {
  const t = useT();
  return (
    <>
      <p className="notice" role="status">
        {text}
      </p>
      <Link className="button" to="/">
        {t("goToLogin")}
      </Link>
    </>
  );
}

export function AcceptInvitationPage() {
  const t = useT();
  const token = useLinkToken();
  const info = useLoad<InvitationInfo>(
    () =>
      token
        ? api.POST("/api/v1/auth/invitation/check", { body: { token } }).then(unwrap)
        : Promise.reject(new ApiError({ type: "about:blank", title: "", status: 400, detail: t("noToken"), code: "" })),
    [token],
  );
  return (
    <AccountScreen title={t("invitationTitle")}>
      <Loaded state={info}>{(invitation) => <InvitationForm token={token} invitation={invitation} />}</Loaded>
    </AccountScreen>
  );
}

function InvitationForm({ token, invitation }: { token: string; invitation: InvitationInfo }) {
  const t = useT();
  const { language } = useI18n();
  const passwords = usePasswordFields(t);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  if (done) return <Done text={t("invitationDone")} />;
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!passwords.check()) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.POST("/api/v1/auth/invitation/accept", {
        body: { token, password: passwords.password },
      });
      if (result.error !== undefined) unwrap(result);
      setDone(true);
    } catch (err) {
      setError(asError(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <p>
        {t("invitationIntro", { name: invitation.name, network: invitation.network_name, email: invitation.email })}
      </p>
      <p className="muted">{t("invitationExpires", { date: formatDate(invitation.expires_at, language) })}</p>
      <ErrorAlert error={error} />
      {passwords.fields(error?.fieldErrors() ?? {})}
      <button type="submit" disabled={busy}>
        {busy ? t("sending") : t("invitationAccept")}
      </button>
    </form>
  );
}

export function ForgotPasswordPage() {
  const t = useT();
  const [email, setEmail] = useState("");
  const [missing, setMissing] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setMissing(!email.trim());
    if (!email.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const answer = unwrap(await api.POST("/api/v1/auth/password-reset", { body: { email: email.trim() } }));
      setSent(answer.detail);
    } catch (err) {
      setError(asError(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <AccountScreen title={t("forgotTitle")}>
      {sent ? (
        <p className="notice" role="status">
          {sent}
        </p>
      ) : (
        <form onSubmit={submit} noValidate>
          <p>{t("forgotIntro")}</p>
          <ErrorAlert error={error} />
          <label>
            {t("email")}
            <input
              name="email"
              type="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={missing}
            />
            {missing && <span className="field-error">{t("required")}</span>}
          </label>
          <button type="submit" disabled={busy}>
            {busy ? t("sending") : t("forgotSend")}
          </button>
        </form>
      )}
    </AccountScreen>
  );
}

export function ResetPasswordPage() {
  const t = useT();
  const token = useLinkToken();
  const passwords = usePasswordFields(t);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!passwords.check()) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.POST("/api/v1/auth/password-reset/confirm", {
        body: { token, password: passwords.password },
      });
      if (result.error !== undefined) unwrap(result);
      setDone(true);
    } catch (err) {
      setError(asError(err));
    } finally {
      setBusy(false);
    }
  }
  let content: ReactElement;
  if (!token) content = <p className="alert">{t("noToken")}</p>;
  else if (done) content = <Done text={t("resetDone")} />;
  else
    content = (
      <form onSubmit={submit} noValidate>
        <p>{t("resetIntro")}</p>
        <ErrorAlert error={error} />
        {passwords.fields(error?.fieldErrors() ?? {})}
        <button type="submit" disabled={busy}>
          {busy ? t("sending") : t("resetSave")}
        </button>
      </form>
    );
  return <AccountScreen title={t("resetTitle")}>{content}</AccountScreen>;
}
