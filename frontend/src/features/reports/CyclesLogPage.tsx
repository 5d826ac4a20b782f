import { Link, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { DownloadButton, Loaded, useLoad, useT } from "./common";

type CyclesLog = components["schemas"]["CyclesLog"];

/** The network's PHEA learning log: cycles by driver and change idea, ramps in order. */
export function CyclesLogPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const state = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/reports/networks/{network_id}/cycles-log", {
          params: { path: { network_id: networkId }, query: { format: "json" } },
        }),
      ) as CyclesLog,
    [networkId],
  );
  return (
    <section className="cycles-log">
      <p>
        <Link to={`/redes/${networkId}`}>← {t("back")}</Link>
      </p>
      <h1>{t("logTitle")}</h1>
      <p className="muted">{t("logIntro")}</p>
      <Loaded state={state}>
        {(log) => (
          <>
            <p className="meta">
              <strong>{log.network_name}</strong>
              {log.diagram_title && <span>{log.diagram_title}</span>}
              <span>{t("totalCycles", { count: log.total_cycles })}</span>
              <span>
                {t("decision_adopt")} {log.by_decision.adopt ?? 0} · {t("decision_adapt")} {log.by_decision.adapt ?? 0}{" "}
                · {t("decision_abandon")} {log.by_decision.abandon ?? 0}
              </span>
            </p>
            <p className="actions">
              <DownloadButton
                url={`/api/v1/reports/networks/${networkId}/cycles-log?format=pdf`}
                filename="bitacora-phea.pdf"
                label={t("downloadPdf")}
              />
            </p>
            {log.drivers.length === 0 && <p className="muted">{t("noCycles")}</p>}
            {log.drivers.map((driver, d) => (
              <section key={`${driver.secondary ?? "none"}-${d}`} className="log-driver">
                <h2>{driver.secondary ?? t("withoutIdea")}</h2>
                {driver.primary && <p className="muted">{t("primaryDriver", { text: driver.primary })}</p>}
                {driver.change_ideas.map((idea) => (
                  <div key={idea.key ?? idea.text} className="log-idea">
                    <h3>{idea.key ? t("changeIdea", { text: idea.text }) : idea.text}</h3>
                    {idea.ramps.map((ramp, r) => (
                      <div key={r} className="log-ramp">
                        {(idea.ramps.length > 1 || ramp.cycles.length > 1) && (
                          <p className="muted small">{t("ramp", { n: r + 1 })}</p>
                        )}
                        <ol>
                          {ramp.cycles.map((c) => (
                            <li key={c.id} className="log-cycle">
                              <h4>
                                <Link to={`/ciclos/${c.id}`}>{c.title}</Link>
                              </h4>
                              <p className="muted small">
                                {c.school}
                                {c.owner ? ` · ${c.owner}` : ""} · {t("stage", { stage: c.stage_label })}
                                {c.carried_out_on ? ` · ${c.carried_out_on}` : ""}
                              </p>
                              {c.objective && <p>{c.objective}</p>}
                              {c.questions.map((q, i) => (
                                <dl key={i} className="qa">
                                  <dt>
                                    {t("question")}: {q.text}
                                  </dt>
                                  {q.prediction && (
                                    <dd>
                                      {t("prediction")}: {q.prediction}
                                    </dd>
                                  )}
                                  {q.result && (
                                    <dd>
                                      {t("result")}: {q.result}
                                    </dd>
                                  )}
                                </dl>
                              ))}
                              {c.study_learning && (
                                <p>
                                  <strong>{t("learning")}:</strong> {c.study_learning}
                                </p>
                              )}
                              {c.decision_label && (
                                <p className="decision">
                                  {t("decision")}: {c.decision_label}
                                  {c.act_next_steps ? ` — ${c.act_next_steps}` : ""}
                                </p>
                              )}
                            </li>
                          ))}
                        </ol>
                      </div>
                    ))}
                  </div>
                ))}
              </section>
            ))}
          </>
        )}
      </Loaded>
    </section>
  );
}
