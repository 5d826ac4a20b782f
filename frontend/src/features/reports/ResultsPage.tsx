import { useEffect } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { useAuth } from "../../auth/AuthContext";
import { ChartView, DownloadButton, Loaded, num, signedNum, useLoad, useT, type T } from "./common";
import { ReleaseControls } from "./ReleaseControls";
import { ResultsPdfJob } from "./ResultsPdfJob";

type Report = components["schemas"]["NetworkResultsReport"];
type Group = components["schemas"]["GroupOut"];
type Item = components["schemas"]["ItemStats"];

const STAGES = ["plan", "do", "study", "act", "closed"] as const;
const DECISIONS = ["adopt", "adapt", "abandon"] as const;

/** Network results for a learning session: aggregates (k-suppressed), wave comparison, PHEA activity, downloads. */
export function ResultsPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const [params, setParams] = useSearchParams();
  const waves = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/reports/networks/{network_id}/waves", { params: { path: { network_id: networkId } } }),
      ),
    [networkId],
  );
  const wave = params.get("wave") ?? "";
  const compare = params.get("compare") ?? "";
  const release = params.get("release") ?? "";
  const { me } = useAuth();
  const coordinator = me?.memberships.some((m) => m.network_id === networkId && m.role === "coordinator") ?? false;
  useEffect(() => {
    const list = waves.data?.waves ?? [];
    if (!wave && list.length > 0) {
      const next = new URLSearchParams({ wave: list[0].wave });
      if (list.length > 1) next.set("compare", list[1].wave);
      setParams(next, { replace: true });
    }
  }, [waves.data, wave, setParams]);

  const choose = (nextWave: string, nextCompare: string, nextRelease = "") => {
    const next = new URLSearchParams({ wave: nextWave });
    if (nextCompare && nextCompare !== nextWave) next.set("compare", nextCompare);
    if (nextRelease) next.set("release", nextRelease);
    setParams(next);
  };

  return (
    <section className="results-page">
      <p>
        <Link to={`/redes/${networkId}`}>← {t("back")}</Link>
      </p>
      <h1>{t("resultsTitle")}</h1>
      <Loaded state={waves}>
        {(w) =>
          w.waves.length === 0 ? (
            <p className="muted">{t("noWaves")}</p>
          ) : (
            <form className="filters" onSubmit={(e) => e.preventDefault()}>
              <label>
                {t("waveLabel")}
                <select name="wave" value={wave} onChange={(e) => choose(e.target.value, compare)}>
                  {w.waves.map((x) => (
                    <option key={x.wave} value={x.wave}>
                      {x.wave}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t("compareLabel")}
                <select name="compare" value={compare} onChange={(e) => choose(wave, e.target.value)}>
                  <option value="">{t("noCompare")}</option>
                  {w.waves
                    .filter((x) => x.wave !== wave)
                    .map((x) => (
                      <option key={x.wave} value={x.wave}>
                        {x.wave}
                      </option>
                    ))}
                </select>
              </label>
            </form>
          )
        }
      </Loaded>
      {wave && (
        <ReleaseControls
          networkId={networkId}
          wave={wave}
          release={release}
          coordinator={coordinator}
          onChoose={(next) => choose(wave, compare, next)}
        />
      )}
      {wave && <Results networkId={networkId} wave={wave} compare={compare} release={release} />}
    </section>
  );
}

function Results({
  networkId,
  wave,
  compare,
  release,
}: {
  networkId: string;
  wave: string;
  compare: string;
  release: string;
}) {
  const t = useT();
  const state = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/reports/networks/{network_id}/results", {
          params: {
            path: { network_id: networkId },
            query: { wave, ...(compare ? { compare } : {}), ...(release ? { release: Number(release) } : {}) },
          },
        }),
      ) as Report,
    [networkId, wave, compare, release],
  );
  if (state.error?.problem.code === "no_release")
    return (
      <p className="notice" role="status" data-testid="no-release">
        {state.error.problem.detail}
      </p>
    );
  const query = new URLSearchParams({ wave, ...(compare ? { compare } : {}), ...(release ? { release } : {}) });
  const base = `/api/v1/reports/networks/${networkId}/results?${query.toString()}`;
  const name = `resultados-${wave}${compare ? `-vs-${compare}` : ""}`;
  return (
    <Loaded state={state}>
      {(r) => (
        <>
          <p className={`source source-${r.source.kind}`} data-testid="results-source">
            <strong>{r.source.label}</strong>
            {r.source.kind === "release"
              ? ` · ${t("publishedBy", { name: r.source.published_by ?? "" })}`
              : ` · ${t("liveNote")}`}
          </p>
          <p className="muted">{t("resultsIntro", { k: r.k })}</p>
          <p className="actions">
            <ResultsPdfJob networkId={networkId} wave={wave} compare={compare} release={release} />
            <DownloadButton url={`${base}&format=xlsx`} filename={`${name}.xlsx`} label={t("downloadXlsx")} />
            <DownloadButton url={`${base}&format=csv`} filename={`${name}.csv`} label={t("downloadCsv")} />
          </p>
          {r.notes.slice(1).map((note) => (
            <p key={note} className="muted small">
              {note}
            </p>
          ))}
          <GroupTable group={r.network_results} report={r} t={t} />
          {r.comparison && <Comparison report={r} t={t} />}
          <h2>{t("chartsTitle")}</h2>
          <div className="chart-grid">
            {r.charts.map((chart) => (
              <ChartView key={chart.title} spec={chart} label={chart.title} testId="domain-chart" />
            ))}
          </div>
          {r.by_level.length > 0 && (
            <>
              <h2>{t("byLevel")}</h2>
              {r.by_level.map((g) => (
                <GroupTable key={g.key} group={g} report={r} t={t} />
              ))}
            </>
          )}
          {r.by_school.length > 0 && (
            <>
              <h2>{t("bySchool")}</h2>
              {r.by_school.map((g) => (
                <GroupTable key={g.key} group={g} report={r} t={t} />
              ))}
            </>
          )}
          <Activity report={r} t={t} />
        </>
      )}
    </Loaded>
  );
}

function Cells({ item, k, t }: { item: Item; k: number; t: T }) {
  if (item.suppressed || !item.bands)
    return (
      <td colSpan={6} className="suppressed">
        {t("suppressed", { k })}
      </td>
    );
  return (
    <>
      <td className="num">{item.n}</td>
      <td className="num">{num(item.mean)}</td>
      <td className="num">{num(item.sd)}</td>
      <td className="num">{item.bands.low}</td>
      <td className="num">{item.bands.mid}</td>
      <td className="num">{item.bands.high}</td>
    </>
  );
}

function GroupTable({ group, report, t }: { group: Group; report: Report; t: T }) {
  return (
    <div className="result-group" data-testid="result-group" data-suppressed={group.suppressed}>
      <h3>
        {group.label}
        {!group.suppressed && group.n_classrooms !== null && (
          <span className="muted"> · {t("classrooms", { count: group.n_classrooms })}</span>
        )}
        {group.from_release ? (
          <span className="held" data-testid="held-label">
            {" "}
            · {t("fromRelease", { number: group.from_release })}
          </span>
        ) : null}
      </h3>
      {group.suppressed ? (
        <p className="suppressed">{t("suppressedGroup", { k: report.k })}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("domainDimension")}</th>
                <th className="num">n</th>
                <th className="num">{t("mean")}</th>
                <th className="num">{t("sd")}</th>
                <th className="num">{t("low")}</th>
                <th className="num">{t("mid")}</th>
                <th className="num">{t("high")}</th>
              </tr>
            </thead>
            <tbody>
              {group.domains.map((dom) => [
                <tr key={dom.code} className="domain-row">
                  <th scope="row">{dom.name}</th>
                  <Cells item={dom} k={report.k} t={t} />
                </tr>,
                ...group.dimensions
                  .filter((d) => d.domain === dom.code)
                  .map((d) => (
                    <tr key={d.code}>
                      <td className="indent">{d.name}</td>
                      <Cells item={d} k={report.k} t={t} />
                    </tr>
                  )),
              ])}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Comparison({ report, t }: { report: Report; t: T }) {
  const c = report.comparison!;
  return (
    <>
      <h2>
        {t("comparisonTitle", { before: c.before_wave, after: c.after_wave })}
        {c.from_release ? (
          <span className="held" data-testid="held-label">
            {" "}
            · {t("fromRelease", { number: c.from_release })}
          </span>
        ) : null}
      </h2>
      {c.suppressed ? (
        <p className="suppressed">{t("comparisonSuppressed", { k: report.k })}</p>
      ) : (
        <>
          <p className="muted">{t("comparisonIntro", { count: c.n_pairs ?? 0 })}</p>
          <div className="table-wrap">
            <table data-testid="comparison">
              <thead>
                <tr>
                  <th>{t("domainDimension")}</th>
                  <th className="num">{t("pairs")}</th>
                  <th className="num">{t("before")}</th>
                  <th className="num">{t("after")}</th>
                  <th className="num">{t("change")}</th>
                  <th className="num">{t("sd")}</th>
                  <th className="num">d_z</th>
                </tr>
              </thead>
              <tbody>
                {[...c.domains, ...c.dimensions].map((x) => (
                  <tr key={`${x.kind}-${x.code}`} className={x.kind === "domain" ? "domain-row" : undefined}>
                    <td>{x.name}</td>
                    {x.suppressed ? (
                      <td colSpan={6} className="suppressed">
                        {t("suppressed", { k: report.k })}
                      </td>
                    ) : (
                      <>
                        <td className="num">{x.n_pairs}</td>
                        <td className="num">{num(x.before_mean)}</td>
                        <td className="num">{num(x.after_mean)}</td>
                        <td className="num">{signedNum(x.mean_change)}</td>
                        <td className="num">{num(x.sd_change)}</td>
                        <td className="num">{num(x.effect_size_dz)}</td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

function Activity({ report, t }: { report: Report; t: T }) {
  const a = report.activity;
  const rows = [
    ...a.by_school.map((s) => ({ key: s.school_id ?? "red", name: s.name, counts: s })),
    { key: "total", name: t("total"), counts: a },
  ];
  return (
    <>
      <h2>{t("activityTitle")}</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t("school")}</th>
              <th className="num">{t("cycles")}</th>
              {STAGES.map((s) => (
                <th key={s} className="num">
                  {t(`stage_${s}`)}
                </th>
              ))}
              {DECISIONS.map((d) => (
                <th key={d} className="num">
                  {t(`decision_${d}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} className={row.key === "total" ? "domain-row" : undefined}>
                <td>{row.name}</td>
                <td className="num">{row.counts.total}</td>
                {STAGES.map((s) => (
                  <td key={s} className="num">
                    {row.counts.by_stage[s] ?? 0}
                  </td>
                ))}
                {DECISIONS.map((d) => (
                  <td key={d} className="num">
                    {row.counts.by_decision[d] ?? 0}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
