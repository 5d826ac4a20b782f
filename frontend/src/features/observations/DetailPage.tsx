import { useCallback, useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, ApiError, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { Loading } from "../../components/Layout";
import { formatDate, useI18n } from "../../i18n";
import { NotFoundPage } from "../../pages/StatusPages";
import { AmendmentForm, AmendmentHistory, originalOf, useInstrument } from "./Amendments";
import {
  BandBadge,
  ClassNotice,
  formatNumber,
  isClass,
  LEVEL_NAMES,
  personName,
  StatusBadge,
  useMembership,
  usePeople,
  useSchools,
  useT,
} from "./common";

type Observation = components["schemas"]["ObservationRead"];
type Scores = components["schemas"]["ScoresRead"];
type Amendment = components["schemas"]["AmendmentRead"];

export function ObservationDetailPage() {
  const { networkId = "", observationId = "" } = useParams();
  const t = useT();
  const { language } = useI18n();
  const membership = useMembership(networkId);
  const { byId } = usePeople(networkId);
  const schools = useSchools(networkId);
  const [observation, setObservation] = useState<Observation | null>(null);
  const [scores, setScores] = useState<Scores | null>(null);
  const [scoresError, setScoresError] = useState<string | null>(null);
  const [amendments, setAmendments] = useState<Amendment[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [amending, setAmending] = useState(false);
  const [saved, setSaved] = useState<number | null>(null);
  const [reload, setReload] = useState(0);
  const instrument = useInstrument(amending ? observation?.instrument_id : undefined);

  useEffect(() => {
    let cancelled = false;
    const path = { params: { path: { observation_id: observationId } } };
    api
      .GET("/api/v1/observations/{observation_id}", path)
      .then(async (result) => {
        const found = unwrap(result);
        if (cancelled) return;
        setObservation(found);
        setScoresError(null);
        try {
          const scored = unwrap(await api.GET("/api/v1/observations/{observation_id}/scores", path));
          if (!cancelled) setScores(scored);
        } catch (err) {
          if (!cancelled) setScoresError(err instanceof ApiError ? err.problem.detail : String(err));
        }
        if (found.amendment_count > 0) {
          const list = unwrap(await api.GET("/api/v1/observations/{observation_id}/amendments", path));
          if (!cancelled) setAmendments(list);
        }
      })
      .catch((err) => !cancelled && err instanceof ApiError && setError(err));
    return () => {
      cancelled = true;
    };
  }, [observationId, reload]);

  const amended = useCallback((amendment: Amendment) => {
    setAmending(false);
    setSaved(amendment.number);
    setReload((n) => n + 1);
  }, []);

  if (error && [404, 422].includes(error.problem.status)) return <NotFoundPage />;
  if (error)
    return (
      <p className="alert" role="alert">
        {error.problem.detail}
      </p>
    );
  if (!observation) return <Loading />;

  const dims = scores?.dimensions ?? [];
  const canContinue = observation.status === "draft" && membership?.person_id === observation.observer_id;
  // The observer or a coordinator corrects a submitted observation with an amendment (the API checks it too).
  const canAmend =
    observation.status === "submitted" &&
    (membership?.role === "coordinator" || (membership !== null && membership.person_id === observation.observer_id));
  const original = amendments.length > 0 ? originalOf(observation, amendments) : null;

  return (
    <section className="obs-detail">
      <p>
        <Link to={`/redes/${networkId}/observaciones`}>← {t("observationsTitle")}</Link>
      </p>
      <div className="obs-entry-head">
        <h1>{personName(byId, observation.teacher_id, t)}</h1>
        <StatusBadge status={observation.status} />
      </div>
      <p className="meta" data-testid="observation-meta">
        <span>{formatDate(`${observation.observed_on}T12:00:00Z`, language)}</span>
        <span>{schools.get(observation.school_id)?.name ?? ""}</span>
        <span>{LEVEL_NAMES[observation.level] ?? observation.level}</span>
        <span>
          {t("wave")} {observation.wave}
        </span>
        <span>
          {t("observer")}: {personName(byId, observation.observer_id, t)}
        </span>
        <span>
          {observation.instrument_code} v{observation.instrument_version} ·{" "}
          {t(`mode_${observation.mode === "video" ? "video" : "live"}`)}
        </span>
        {observation.double_codes_id && <span>{t("doubleCoding")}</span>}
      </p>
      {canContinue && (
        <p>
          <Link className="button" to={`/redes/${networkId}/observaciones/${observation.id}/registro`}>
            {t("openDraft")}
          </Link>
        </p>
      )}
      <p className="muted">{t("privacyNotice")}</p>
      {saved !== null && (
        <p className="notice success" role="status" data-testid="amendment-saved">
          {t("amendSaved", { n: saved })}
        </p>
      )}
      {canAmend && !amending && (
        <p>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setSaved(null);
              setAmending(true);
            }}
          >
            {t("amend")}
          </button>
        </p>
      )}
      {amending && !instrument && <Loading />}
      {amending && instrument && (
        <AmendmentForm
          observation={observation}
          instrument={instrument}
          onSaved={amended}
          onCancel={() => setAmending(false)}
        />
      )}

      {scoresError && <p className="notice">{t("scoresNotReady")}</p>}
      {scores && !scores.complete && <p className="notice">{t("scoresPartial")}</p>}
      {scores && (
        <>
          <h2>{t("domains")}</h2>
          <ul className="obs-domain-cards" data-testid="domain-scores">
            {scores.domains.map((d) => (
              <li key={d.code} className={`card obs-domain-card obs-band-border-${d.band}`}>
                <span className="muted">{d.code}</span>
                <strong>{d.name}</strong>
                <span className="obs-big">{formatNumber(d.mean, language)}</span>
                <BandBadge band={d.band} />
              </li>
            ))}
          </ul>
          <h2>{t("dimensions")}</h2>
          <div className="obs-table-wrap">
            <table data-testid="dimension-scores">
              <thead>
                <tr>
                  <th>{t("domain")}</th>
                  <th>{t("dimension")}</th>
                  <th>{t("mean")}</th>
                  <th>{t("adjusted")}</th>
                  <th>{t("band")}</th>
                </tr>
              </thead>
              <tbody>
                {dims.map((d) => (
                  <tr key={d.code}>
                    <td>{d.domain}</td>
                    <td>
                      {d.name} ({d.code})
                      {d.reverse && (
                        <span className="muted obs-small">
                          {" "}
                          — {t("reverseNote", { min: scores.scale.min, max: scores.scale.max })}
                        </span>
                      )}
                    </td>
                    <td>{formatNumber(d.mean, language)}</td>
                    <td>{formatNumber(d.adjusted, language)}</td>
                    <td>
                      <BandBadge band={d.band} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      <h2>{t("cycleScores")}</h2>
      <div className="obs-table-wrap">
        <table data-testid="cycle-scores">
          <thead>
            <tr>
              <th>{t("dimension")}</th>
              {observation.cycles.map((c) => (
                <th key={c.number}>{t("cycle", { n: c.number })}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(dims.length ? dims.map((d) => d.code) : Object.keys(observation.cycles[0]?.scores ?? {})).map((code) => (
              <tr key={code}>
                <td>{code}</td>
                {observation.cycles.map((c) => (
                  <td key={c.number}>{c.scores[code] ?? "—"}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {observation.cycles.some((c) => c.notes) && (
        <ul className="obs-notes">
          {observation.cycles
            .filter((c) => c.notes)
            .map((c) => (
              <li key={c.number}>
                <strong>{t("cycle", { n: c.number })}:</strong> {c.notes}
              </li>
            ))}
        </ul>
      )}

      {Object.keys(observation.evidence).length > 0 && (
        <>
          <h2>{t("evidence")}</h2>
          <dl className="obs-evidence-list">
            {Object.entries(observation.evidence).map(([code, text]) => (
              <div key={code}>
                <dt>
                  {dims.find((d) => d.code === code)?.name ?? code} ({code})
                </dt>
                <dd>{text}</dd>
              </div>
            ))}
          </dl>
        </>
      )}

      {amendments.length > 0 && original && (
        <>
          <h2>{t("amendments")}</h2>
          <AmendmentHistory amendments={amendments} byId={byId} />
          <details className="card obs-original" data-testid="original-observation">
            <summary>{t("original")}</summary>
            <p className="meta">
              <span>{formatDate(`${original.observed_on}T12:00:00Z`, language)}</span>
              <span>{LEVEL_NAMES[original.level] ?? original.level}</span>
              <span>{t(`mode_${original.mode === "video" ? "video" : "live"}`)}</span>
            </p>
            <div className="obs-table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t("dimension")}</th>
                    {original.cycles.map((c) => (
                      <th key={c.number}>{t("cycle", { n: c.number })}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {Object.keys(original.cycles[0]?.scores ?? {}).map((code) => (
                    <tr key={code}>
                      <td>{code}</td>
                      {original.cycles.map((c) => (
                        <td key={c.number}>{c.scores[code] ?? "—"}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {Object.keys(original.evidence).length > 0 && (
              <dl className="obs-evidence-list">
                {Object.entries(original.evidence).map(([code, text]) => (
                  <div key={code}>
                    <dt>{code}</dt>
                    <dd>{text}</dd>
                  </div>
                ))}
              </dl>
            )}
          </details>
        </>
      )}
      {isClass(observation.instrument_code) && <ClassNotice />}
    </section>
  );
}
