import { Link, useNavigate, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { BandBadge, ChartView, DownloadButton, Loaded, num, signedNum, useLoad, useT } from "./common";

type Report = components["schemas"]["FeedbackReport"];
type Highlight = components["schemas"]["FeedbackDimension"];

/** A teacher's feedback: three strengths first, then one priority area, and a PHEA cycle to start on it. */
export function FeedbackPage() {
  const { observationId = "" } = useParams();
  const state = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/reports/observations/{observation_id}/feedback", {
          params: { path: { observation_id: observationId } },
        }),
      ) as Report,
    [observationId],
  );
  return <Loaded state={state}>{(report) => <Feedback report={report} />}</Loaded>;
}

function HighlightCard({ d, index, kind }: { d: Highlight; index?: number; kind: "strength" | "priority" }) {
  const t = useT();
  return (
    <article className={`card feedback-card ${kind}`} data-testid={kind === "strength" ? "strength" : "priority-area"}>
      <h3>
        {index !== undefined ? `${index}. ` : ""}
        {d.name}
      </h3>
      <p className="muted">
        {d.domain_name} · {t("average", { value: num(d.mean) })} <BandBadge band={d.band} reverse={d.reverse} />
        {d.reverse && <span className="small"> ({t("reverseNote")})</span>}
      </p>
      {d.evidence && (
        <blockquote className="evidence" aria-label={t("evidence")}>
          {d.evidence}
        </blockquote>
      )}
    </article>
  );
}

function Feedback({ report }: { report: Report }) {
  const t = useT();
  const navigate = useNavigate();
  const start = report.start_cycle;
  const startCycle = () => {
    if (!start) return;
    const query = new URLSearchParams({ title: start.title, objective: start.objective });
    if (start.change_idea_id) query.set("change_idea_id", start.change_idea_id);
    navigate(`/redes/${start.network_id}/ciclos/nuevo?${query.toString()}`);
  };
  const base = `/api/v1/reports/observations/${report.observation.id}/feedback`;
  return (
    <section className="feedback-page">
      <p>
        <Link to={`/redes/${report.network_id}/devoluciones`}>← {t("back")}</Link>
      </p>
      <h1>{t("feedbackTitle")}</h1>
      <p className="meta">
        <strong>{report.teacher.name}</strong>
        <span>
          {report.school.name}
          {report.school.rbd ? ` (RBD ${report.school.rbd})` : ""}
        </span>
        <span>{report.observation.level_label}</span>
        <span>{t("observedOn", { date: report.observation.date_label })}</span>
        <span>{t("wave", { wave: report.observation.wave })}</span>
        {report.observer && <span>{t("observer", { name: report.observer.name })}</span>}
      </p>
      <p className="lead-text" data-testid="feedback-summary">
        {report.summary}
      </p>
      <p className="actions">
        <DownloadButton
          url={`${base}?format=pdf`}
          filename={`devolucion-${report.observation.observed_on}.pdf`}
          label={t("downloadPdf")}
        />
      </p>

      <h2>{t("strengthsTitle")}</h2>
      <div className="feedback-cards">
        {report.strengths.map((d, i) => (
          <HighlightCard key={d.code} d={d} index={i + 1} kind="strength" />
        ))}
      </div>

      {report.priority_area && (
        <>
          <h2>{t("priorityTitle")}</h2>
          <HighlightCard d={report.priority_area} kind="priority" />
          {report.focus_domain?.applied && <p className="muted">{t("inFocus", { name: report.focus_domain.name })}</p>}
          <h3>{t("suggestedIdeas")}</h3>
          {report.suggested_change_ideas.length === 0 ? (
            <p className="muted">{t("noSuggestedIdeas")}</p>
          ) : (
            <ul data-testid="suggested-ideas">
              {report.suggested_change_ideas.map((idea) => (
                <li key={idea.id}>
                  {idea.text}
                  {idea.driver && <span className="muted"> ({idea.driver})</span>}
                </li>
              ))}
            </ul>
          )}
          {start && (
            <p>
              <button type="button" onClick={startCycle}>
                {t("startCycle")}
              </button>
            </p>
          )}
        </>
      )}

      <ChartView spec={report.chart} label={report.chart.title} testId="feedback-chart" />

      <h2>{t("scoresTitle")}</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t("domainDimension")}</th>
              <th className="num">{t("mean")}</th>
              <th>{t("level")}</th>
            </tr>
          </thead>
          <tbody>
            {report.domains.map((dom) => [
              <tr key={dom.code} className="domain-row">
                <th scope="row">{dom.name}</th>
                <td className="num">{num(dom.mean)}</td>
                <td>
                  <BandBadge band={dom.band} />
                </td>
              </tr>,
              ...report.dimensions
                .filter((d) => d.domain === dom.code)
                .map((d) => (
                  <tr key={d.code}>
                    <td className="indent">{d.name}</td>
                    <td className="num">{num(d.mean)}</td>
                    <td>
                      <BandBadge band={d.band} reverse={d.reverse} />
                    </td>
                  </tr>
                )),
            ])}
          </tbody>
        </table>
      </div>

      {report.previous && (
        <>
          <h2>{t("previousTitle", { date: report.previous.date_label })}</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t("domainDimension")}</th>
                  <th className="num">{t("before")}</th>
                  <th className="num">{t("now")}</th>
                  <th className="num">{t("change")}</th>
                </tr>
              </thead>
              <tbody>
                {report.previous.changes.map((c) => (
                  <tr key={c.code}>
                    <td>{c.name}</td>
                    <td className="num">{num(c.previous_mean)}</td>
                    <td className="num">{num(c.current_mean)}</td>
                    <td className={`num change-${c.direction ?? "none"}`}>{signedNum(c.change)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p className="lead-text">{report.closing}</p>
    </section>
  );
}
