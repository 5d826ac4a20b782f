import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { ChartView, DownloadButton, Loaded, num, useLoad, useT } from "./common";

type RunChartData = components["schemas"]["MeasureRunChart"];

/**
 * The run chart of a measure, as the reports service analyses it: points with their signals
 * highlighted (IHI shifts and trends), the median of each phase confirmed by a person (a marker where each
 * starts), which rule fired on which points, and the network's learning sessions marked.
 * The chart is the server's SVG — the same one the PDF reports carry.
 */
export function RunChart({ measureId, reloadKey = 0 }: { measureId: string; reloadKey?: number }) {
  const t = useT();
  const state = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/measures/{measure_id}/run-chart", { params: { path: { measure_id: measureId } } }),
      ) as RunChartData,
    [measureId, reloadKey],
  );
  return (
    <section className="run-chart" data-testid="run-chart" aria-label={t("runChartTitle")}>
      <Loaded state={state}>{(data) => <RunChartBody data={data} />}</Loaded>
    </section>
  );
}

function RunChartBody({ data }: { data: RunChartData }) {
  const t = useT();
  if (data.points.length === 0) return <p className="muted">{t("noPoints")}</p>;
  const signalCount = data.points.filter((p) => p.signal).length;
  const percent = data.chart.percent;
  const shown = (v: number | null | undefined) =>
    percent && v !== null && v !== undefined ? `${num(v * 100, 1)} %` : num(v);
  const base = `/api/v1/measures/${data.measure.id}/run-chart`;
  const placed = data.events.filter((e) => e.position !== null);
  return (
    <>
      <ChartView spec={data.chart} label={t("runChartLabel", { name: data.measure.name })} testId="run-chart-svg" />
      <p className="meta">
        <span>{t("points", { count: data.points.length })}</span>
        <span>
          {t("median")}: {shown(data.analysis.median)}
        </span>
        <span className={signalCount ? "signal-count has-signals" : "signal-count"} data-testid="signal-count">
          {t("signalPoints", { count: signalCount })}
        </span>
      </p>
      {data.phases.length > 1 && (
        <ul className="phase-medians" data-testid="run-chart-phases">
          {data.phases.map((p) => (
            <li key={p.start}>
              {t("phaseMedian", { period: data.points[p.start]?.label ?? "", median: shown(p.median) })}
              {p.reason && ` — ${p.reason}`}
            </li>
          ))}
        </ul>
      )}
      <h3>{t("signals")}</h3>
      <ul className="signal-list" data-testid="run-chart-signals">
        {data.interpretation.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <h3>{t("sessionsMarked")}</h3>
      {placed.length === 0 ? (
        <p className="muted">{t("noSessions")}</p>
      ) : (
        <ul className="event-list">
          {placed.map((e) => (
            <li key={e.id}>
              {e.title} · {e.date_label}
            </li>
          ))}
        </ul>
      )}
      {data.findings.length > 0 && (
        <ul className="finding-list" data-testid="run-chart-findings">
          {data.findings.map((f) => (
            <li key={`${f.rule}-${f.points[0] ?? 0}`}>
              {f.label}: {f.points.map((i) => data.points[i]?.label ?? String(i + 1)).join(", ")}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{t("rulesNote")}</p>
      <p className="actions">
        <DownloadButton
          url={`${base}?format=png`}
          filename={`grafico-corrida-${data.measure.id}.png`}
          label={t("downloadPng")}
        />
        <DownloadButton
          url={`${base}?format=svg`}
          filename={`grafico-corrida-${data.measure.id}.svg`}
          label={t("downloadSvg")}
        />
      </p>
    </>
  );
}
