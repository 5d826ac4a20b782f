import { useState } from "react";
import { api, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import { errorsOf, formatDateTime, formatMonth, Loaded, useLoad, useT, type FormProblem } from "./common";

type Proposal = components["schemas"]["PhaseProposal"];

/**
 * The measure's phases (each confirmed by a person, with the reason) and the system's proposal of a new one when the
 * rule set finds a sustained shift. The system never changes phase by itself: a coordinator or facilitator confirms
 * the proposal (it becomes a phase) or dismisses it, each with a reason.
 */
export function MeasurePhases({
  measureId,
  canDecide,
  reloadKey,
  onChanged,
}: {
  measureId: string;
  canDecide: boolean;
  reloadKey: number;
  onChanged: () => void;
}) {
  const t = useT();
  const phases = useLoad(
    () => api.GET("/api/v1/measures/{measure_id}/phases", { params: { path: { measure_id: measureId } } }).then(unwrap),
    [measureId, reloadKey],
  );
  const proposals = useLoad(
    () =>
      api
        .GET("/api/v1/measures/{measure_id}/phase-proposals", { params: { path: { measure_id: measureId } } })
        .then(unwrap),
    [measureId, reloadKey],
  );
  return (
    <section className="card" data-testid="measure-phases" aria-label={t("phasesTitle")}>
      <h2>{t("phasesTitle")}</h2>
      <Loaded state={phases}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">{t("noPhases")}</p>
          ) : (
            <ul data-testid="phase-list">
              {page.items.map((p) => (
                <li key={p.id}>
                  <strong>{t("phaseFrom", { period: formatMonth(p.start_period) })}</strong>: {p.reason}{" "}
                  <span className="muted">
                    · {t("confirmedBy", { name: p.confirmed_by_name, when: formatDateTime(p.confirmed_at) })}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <Loaded state={proposals}>
        {(data) => (
          <>
            {data.proposals.length === 0 ? (
              <p className="muted" data-testid="no-proposal">
                {t("noProposal")}
              </p>
            ) : (
              data.proposals.map((proposal) => (
                <ProposalCard
                  key={proposal.start_period}
                  measureId={measureId}
                  proposal={proposal}
                  canDecide={canDecide}
                  onDecided={onChanged}
                />
              ))
            )}
            {data.dismissed.length > 0 && (
              <>
                <h3>{t("dismissedTitle")}</h3>
                <ul>
                  {data.dismissed.map((d) => (
                    <li key={`${d.start_period}-${d.dismissed_at}`}>
                      {formatMonth(d.start_period)}: {d.reason}{" "}
                      <span className="muted">
                        · {d.dismissed_by_name}, {formatDateTime(d.dismissed_at)}
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            )}
            <p className="muted small">{data.note}</p>
          </>
        )}
      </Loaded>
    </section>
  );
}

function ProposalCard({
  measureId,
  proposal,
  canDecide,
  onDecided,
}: {
  measureId: string;
  proposal: Proposal;
  canDecide: boolean;
  onDecided: () => void;
}) {
  const t = useT();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem>(null);
  const key = useIdempotencyKey();
  const decide = async (confirm: boolean) => {
    setProblem(null);
    if (!reason.trim()) {
      setProblem({ detail: t("reasonRequired"), fields: { reason: t("reasonRequired") } });
      return;
    }
    setBusy(true);
    try {
      const body = { start_period: proposal.start_period, reason: reason.trim() };
      if (confirm) {
        unwrap(
          await key.send((headers) =>
            api.POST("/api/v1/measures/{measure_id}/phases", {
              params: { path: { measure_id: measureId } },
              body: { ...body, proposed: true },
              headers,
            }),
          ),
        );
      } else {
        unwrap(
          await key.send((headers) =>
            api.POST("/api/v1/measures/{measure_id}/phase-dismissals", {
              params: { path: { measure_id: measureId } },
              body,
              headers,
            }),
          ),
        );
      }
      onDecided();
    } catch (err) {
      setProblem(errorsOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="proposal" data-testid="phase-proposal">
      <h3>{t("proposalTitle", { period: proposal.label })}</h3>
      <p>{proposal.description}</p>
      {proposal.context.length > 0 && (
        <>
          <p className="muted">{t("proposalContext")}</p>
          <ul>
            {proposal.context.map((c) => (
              <li key={`${c.kind}-${c.id ?? c.title}`}>
                {c.title}
                {c.date_label && ` · ${c.date_label}`}
              </li>
            ))}
          </ul>
        </>
      )}
      {canDecide && (
        <>
          {problem && (
            <p className="alert" role="alert">
              {problem.detail}
            </p>
          )}
          <label>
            {t("phaseReason")}
            <textarea
              name="reason"
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={!!problem?.fields.reason}
            />
          </label>
          <p className="actions">
            <button type="button" disabled={busy} onClick={() => void decide(true)}>
              {t("confirmPhase")}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void decide(false)}>
              {t("dismissProposal")}
            </button>
          </p>
        </>
      )}
    </div>
  );
}
