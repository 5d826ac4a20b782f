import { useState } from "react";
import { api, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import { useLoad, useT } from "./common";

type Release = components["schemas"]["ReleaseOut"];
type Held = components["schemas"]["HeldCellOut"];

/** What a refused publication says: the detail, and each finding's reason when it has one. */
interface Refusal {
  detail: string;
  reasons: string[];
}

function refusalOf(error: unknown, status: number): Refusal {
  const problem = (error ?? {}) as { detail?: string; findings?: Array<{ reason?: string; cells?: string[] }> };
  const reasons = (problem.findings ?? []).map((f) => f.reason ?? (f.cells ?? []).join(", ")).filter((r) => r);
  return { detail: problem.detail ?? `Error ${status}`, reasons };
}

/**
 * Which figures are shown (a release, or the live view for coordinators) and, for coordinators, the button that
 * publishes the wave's results after a confirmation, with the reasons of a refusal or of groups held back.
 */
export function ReleaseControls({
  networkId,
  wave,
  release,
  coordinator,
  onChoose,
}: {
  networkId: string;
  wave: string;
  /** The release shown ("" = the default: live for coordinators, the latest release for everyone else). */
  release: string;
  coordinator: boolean;
  onChoose: (release: string) => void;
}) {
  const t = useT();
  const [attempt, setAttempt] = useState(0);
  const releases = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/reports/networks/{network_id}/waves/{wave}/releases", {
          params: { path: { network_id: networkId, wave }, query: { limit: 100 } },
        }),
      ),
    [networkId, wave, attempt],
  );
  const items: Release[] = releases.data?.items ?? [];
  return (
    <div className="release-controls">
      {items.length > 0 || coordinator ? (
        <label>
          {t("releaseLabel")}
          <select
            name="release"
            data-testid="release-select"
            value={release}
            onChange={(e) => onChoose(e.target.value)}
          >
            <option value="">{coordinator ? t("liveView") : t("latestRelease")}</option>
            {items.map((r) => (
              <option key={r.number} value={String(r.number)}>
                {t("releaseOption", { number: r.number, date: new Date(r.published_at).toLocaleDateString("es-CL") })}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {coordinator && (
        <Publish
          networkId={networkId}
          wave={wave}
          onPublished={(number) => {
            setAttempt((n) => n + 1);
            onChoose(String(number));
          }}
        />
      )}
    </div>
  );
}

function Publish({
  networkId,
  wave,
  onPublished,
}: {
  networkId: string;
  wave: string;
  onPublished: (number: number) => void;
}) {
  const t = useT();
  const idempotency = useIdempotencyKey();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [published, setPublished] = useState<Release | null>(null);

  const publish = async () => {
    setBusy(true);
    setRefusal(null);
    const result = await idempotency.send((headers) =>
      api.POST("/api/v1/reports/networks/{network_id}/waves/{wave}/releases", {
        params: { path: { network_id: networkId, wave } },
        headers,
      }),
    );
    setBusy(false);
    setConfirming(false);
    if (result.data) {
      setPublished(result.data);
      onPublished(result.data.number);
    } else {
      setPublished(null);
      setRefusal(refusalOf(result.error, result.response.status));
    }
  };

  return (
    <div className="publish">
      <button type="button" onClick={() => setConfirming(true)} disabled={busy || confirming}>
        {t("publishButton")}
      </button>
      {confirming && (
        <div role="dialog" aria-modal="true" aria-labelledby="publish-title" className="confirm-dialog notice">
          <h2 id="publish-title">{t("publishConfirmTitle", { wave })}</h2>
          <p>{t("publishConfirmText")}</p>
          <p className="actions">
            <button type="button" onClick={() => void publish()} disabled={busy}>
              {t("publishConfirm")}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={busy}>
              {t("cancel")}
            </button>
          </p>
        </div>
      )}
      {refusal && (
        <div className="alert" role="alert" data-testid="publish-refused">
          <p>{refusal.detail.split(" Motivos:")[0]}</p>
          {refusal.reasons.length > 0 && (
            <ul>
              {refusal.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {published && <Published release={published} />}
    </div>
  );
}

function Published({ release }: { release: Release }) {
  const t = useT();
  const held: Held[] = release.held ?? [];
  return (
    <div className="notice" role="status" data-testid="publish-done">
      <p>{t("publishedText", { number: release.number, count: release.observations ?? 0 })}</p>
      {held.length > 0 && (
        <>
          <p>{t("heldTitle")}</p>
          <ul>
            {held.map((h) => (
              <li key={h.cell}>{h.reason}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
