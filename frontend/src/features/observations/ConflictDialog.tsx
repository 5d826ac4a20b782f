// A real 412 on a draft: the server holds another version than the one this device's edits are based on. Both are
// kept (offline.ts, `conflict`) until the coach chooses one here; nothing is sent meanwhile.
import { useT } from "./common";
import { resolveConflict, type LocalDraft, type ObservationWrite } from "./offline";

function Summary({ body }: { body: ObservationWrite }) {
  const t = useT();
  const cycles = body.cycles ?? [];
  const scores = cycles.reduce(
    (n, c) => n + Object.values(c.scores ?? {}).filter((v) => v !== null && v !== undefined).length,
    0,
  );
  const notes = Object.values(body.evidence ?? {}).filter((text) => text.trim()).length;
  return (
    <p>
      {t("conflictSummary", {
        date: body.observed_on,
        wave: body.wave,
        cycles: String(cycles.length),
        scores: String(scores),
        notes: String(notes),
      })}
    </p>
  );
}

export function ConflictDialog({ draft, onResolved }: { draft: LocalDraft; onResolved: (next: LocalDraft) => void }) {
  const t = useT();
  const server = draft.conflict;
  if (!server) return null;
  const submitted = server.status === "submitted";
  const when = new Date(server.updatedAt).toLocaleString("es-CL", { dateStyle: "short", timeStyle: "short" });
  return (
    <div
      className="card alert"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="conflict-title"
      data-testid="conflict-dialog"
    >
      <h2 id="conflict-title">{t("conflictTitle")}</h2>
      <p>{submitted ? t("conflictSubmitted") : t("conflictText")}</p>
      <div className="obs-conflict-versions">
        <section data-testid="conflict-device">
          <h3>{t("conflictDevice")}</h3>
          <Summary body={draft.body} />
        </section>
        <section data-testid="conflict-server">
          <h3>{t("conflictServer", { when })}</h3>
          <Summary body={server.body} />
        </section>
      </div>
      <div className="actions">
        {!submitted && (
          <button type="button" onClick={() => onResolved(resolveConflict(draft, "device"))}>
            {t("keepDevice")}
          </button>
        )}
        <button type="button" onClick={() => onResolved(resolveConflict(draft, "server"))}>
          {t("keepServer")}
        </button>
      </div>
    </div>
  );
}
