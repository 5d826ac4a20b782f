import { Link, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { Loaded, STAGES, useLoad, useT } from "./common";

export function CyclesBoard() {
  const { networkId = "" } = useParams();
  const t = useT();
  const state = useLoad(
    () => api.GET("/api/v1/cycles", { params: { query: { network_id: networkId, limit: 200 } } }).then(unwrap),
    [networkId],
  );
  return (
    <section>
      <p>
        <Link to={`/redes/${networkId}`}>← {t("backToNetwork")}</Link>
      </p>
      <div className="cycles-head">
        <h1>{t("board")}</h1>
        <Link className="button" to={`/redes/${networkId}/ciclos/nuevo`}>
          {t("newCycle")}
        </Link>
      </div>
      <Loaded state={state}>
        {(page) => (
          <div className="phea-board" data-testid="phea-board">
            {STAGES.map((stage) => {
              const items = page.items.filter((c) => c.stage === stage);
              return (
                <section
                  key={stage}
                  className={`phea-column stage-${stage}`}
                  aria-label={t(`stage_${stage}`)}
                  data-testid={`column-${stage}`}
                >
                  <h2>
                    {t(`stage_${stage}`)} <span className="muted">({items.length})</span>
                  </h2>
                  {items.length === 0 && <p className="empty">{t("noCycles")}</p>}
                  <ul>
                    {items.map((cycle) => (
                      <li key={cycle.id} className="card cycle-card">
                        <Link to={`/ciclos/${cycle.id}`}>{cycle.title}</Link>
                        <p className="muted">{cycle.owner_name}</p>
                        {cycle.act_decision && (
                          <span className={`badge decision-${cycle.act_decision}`}>
                            {t(`decision_${cycle.act_decision}`)}
                          </span>
                        )}
                      </li>
                    ))}
                  </ul>
                </section>
              );
            })}
          </div>
        )}
      </Loaded>
    </section>
  );
}
