import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, ApiError, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { Loading } from "../../components/Layout";
import { useI18n } from "../../i18n";
import { NotFoundPage } from "../../pages/StatusPages";
import { ClassNotice, formatNumber, personName, usePeople, useT } from "./common";

type Reliability = components["schemas"]["ReliabilityRead"];

export function ReliabilityPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const { language } = useI18n();
  const { byId } = usePeople(networkId);
  const [data, setData] = useState<Reliability | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    api
      .GET("/api/v1/reliability", { params: { query: { network_id: networkId } } })
      .then((result) => !cancelled && setData(unwrap(result)))
      .catch((err) => !cancelled && err instanceof ApiError && setError(err));
    return () => {
      cancelled = true;
    };
  }, [networkId]);

  if (error && error.problem.status === 404) return <NotFoundPage />;
  if (error)
    return (
      <p className="alert" role="alert">
        {error.problem.detail}
      </p>
    );
  if (!data) return <Loading />;
  const pct = (value: number | null | undefined) =>
    value === null || value === undefined ? "—" : `${formatNumber(value, language, 1)} %`;

  return (
    <section className="obs-reliability">
      <p>
        <Link to={`/redes/${networkId}`}>← {t("back")}</Link>
      </p>
      <h1>{t("reliabilityTitle")}</h1>
      <p className="muted">{t("reliabilityNote")}</p>
      <p>{t("observationPairs", { n: data.observation_pairs })}</p>
      {data.instruments.length === 0 && <p className="empty">{t("noPairs")}</p>}

      {data.observers.length > 0 && (
        <>
          <h2>{t("observers")}</h2>
          <div className="obs-table-wrap">
            <table data-testid="reliability-observers">
              <thead>
                <tr>
                  <th>{t("observer")}</th>
                  <th>{t("pairs")}</th>
                  <th>{t("exact")}</th>
                  <th>{t("withinOne")}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.observers.map((o) => (
                  <tr key={o.observer_id} className={o.flagged ? "obs-flagged" : ""}>
                    <td>{personName(byId, o.observer_id, t)}</td>
                    <td>{o.n_pairs}</td>
                    <td>{pct(o.exact_pct)}</td>
                    <td>{pct(o.within_one_pct)}</td>
                    <td>
                      <span className={o.flagged ? "obs-band obs-band-low" : "obs-band obs-band-high"}>
                        {o.flagged ? t("flagged") : t("ok")}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {data.instruments.map((instrument) => (
        <div key={instrument.instrument_id}>
          <h2>
            {instrument.instrument_name} · {t("observationPairs", { n: instrument.observation_pairs })}
          </h2>
          <div className="obs-table-wrap">
            <table data-testid="reliability-dimensions">
              <thead>
                <tr>
                  <th>{t("dimension")}</th>
                  <th>{t("pairs")}</th>
                  <th>{t("exact")}</th>
                  <th>{t("withinOne")}</th>
                  <th>{t("kappa")}</th>
                  <th>{t("icc")}</th>
                </tr>
              </thead>
              <tbody>
                {instrument.dimensions.map((d) => (
                  <tr key={d.code} className={d.within_one_pct !== null && d.within_one_pct < 80 ? "obs-flagged" : ""}>
                    <td>
                      {d.name} ({d.code})
                    </td>
                    <td>{d.n_pairs}</td>
                    <td>{pct(d.exact_pct)}</td>
                    <td>{pct(d.within_one_pct)}</td>
                    <td>{formatNumber(d.weighted_kappa, language, 3)}</td>
                    <td>{formatNumber(d.icc, language, 3)}</td>
                  </tr>
                ))}
                <tr className="obs-total">
                  <td>Total</td>
                  <td>{instrument.overall.n_pairs}</td>
                  <td>{pct(instrument.overall.exact_pct)}</td>
                  <td>{pct(instrument.overall.within_one_pct)}</td>
                  <td>{formatNumber(instrument.overall.weighted_kappa, language, 3)}</td>
                  <td>{formatNumber(instrument.overall.icc, language, 3)}</td>
                </tr>
              </tbody>
            </table>
          </div>
        </div>
      ))}
      <ClassNotice />
    </section>
  );
}
