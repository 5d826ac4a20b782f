import { Link, useParams, useSearchParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { formatDateTime, Loaded, useLoad, useT } from "./common";
import { kindsFor, useMembership } from "./EventPages";

export function CalendarPage() {
  const { networkId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const year = Number(params.get("year")) || new Date().getFullYear();
  const t = useT();
  const { role } = useMembership(networkId);
  const plan = useLoad(
    () =>
      api
        .GET("/api/v1/networks/{network_id}/calendar", { params: { path: { network_id: networkId }, query: { year } } })
        .then(unwrap),
    [networkId, year],
  );
  return (
    <section>
      <p>
        <Link to={`/redes/${networkId}`}>← {t("backToNetwork")}</Link>
      </p>
      <div className="cycles-head">
        <h1>{t("yearPlan", { year })}</h1>
        <nav className="pager">
          {kindsFor(role).length > 0 && (
            <Link to={`/redes/${networkId}/calendario/nuevo`} className="button">
              {t("newEvent")}
            </Link>
          )}
          <button type="button" className="secondary" onClick={() => setParams({ year: String(year - 1) })}>
            ← {year - 1}
          </button>
          <button type="button" className="secondary" onClick={() => setParams({ year: String(year + 1) })}>
            {year + 1} →
          </button>
        </nav>
      </div>
      <Loaded state={plan}>
        {(p) => (
          <>
            {p.flags.length > 0 && (
              <ul className="notice">
                {p.flags.map((f, i) => (
                  <li key={i}>{f.message}</li>
                ))}
              </ul>
            )}
            <p className="meta">
              {Object.entries(p.counts).map(([kind, n]) => (
                <span key={kind}>
                  {t(`kind_${kind}` as Parameters<typeof t>[0])}: {n}
                </span>
              ))}
            </p>
            <div className="calendar-months" data-testid="calendar">
              {p.months.map((m) => (
                <section key={m.month} className="card">
                  <h2>{m.name}</h2>
                  {m.events.length === 0 && <p className="empty">{t("noEvents")}</p>}
                  <ul>
                    {m.events.map((e) => (
                      <li key={e.id} className={`event kind-${e.kind}`}>
                        <strong>{e.kind_label}</strong> · {formatDateTime(e.starts_at)}
                        <br />
                        <Link to={`/eventos/${e.id}`}>{e.title}</Link>
                        {e.agreements && <p className="muted">{e.agreements}</p>}
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
            </div>
            <h2>{t("coachingBySchool")}</h2>
            <table>
              <tbody>
                {p.schools.map((s) => (
                  <tr key={s.school_id}>
                    <td>{s.name}</td>
                    <td>{t("visits", { visits: s.visits, expected: s.expected })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Loaded>
    </section>
  );
}
