import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { offsetPage } from "../../api/pages";
import { EditFresh, formatMonth, Loaded, Pager, useLoad, useT } from "./common";
import { useMembership } from "./EventPages";
import { MeasureForm, PointsImport } from "./MeasureForms";
import { PointForm, pointValue } from "./PointForm";
import { DeletePoint, PointHistory } from "./PointHistory";
import { MeasurePhases } from "./MeasurePhases";
import { RunChart } from "../reports/RunChart";

const THEORY_EDITORS = ["coordinator", "facilitator"];

export function MeasuresPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const navigate = useNavigate();
  const { role } = useMembership(networkId);
  const [creating, setCreating] = useState(false);
  const measures = useLoad(
    () =>
      api.GET("/api/v1/networks/{network_id}/measures", { params: { path: { network_id: networkId } } }).then(unwrap),
    [networkId],
  );
  return (
    <section>
      <p>
        <Link to={`/redes/${networkId}`}>← {t("backToNetwork")}</Link>
      </p>
      <div className="cycles-head">
        <h1>{t("measuresTitle")}</h1>
        {THEORY_EDITORS.includes(role) && !creating && (
          <button type="button" onClick={() => setCreating(true)}>
            {t("newMeasure")}
          </button>
        )}
      </div>
      {creating && (
        <MeasureForm
          networkId={networkId}
          t={t}
          onSaved={(m) => navigate(`/medidas/${m.id}`)}
          onCancel={() => setCreating(false)}
        />
      )}
      <Loaded state={measures}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">{t("noMeasures")}</p>
          ) : (
            <ul className="cards">
              {page.items.map((m) => (
                <li key={m.id} className="card">
                  <h2>
                    <Link to={`/medidas/${m.id}`}>{m.name}</Link>
                  </h2>
                  <p className="meta">
                    <span>{t(`kind_${m.kind}`)}</span>
                    <span>{t("points", { count: m.point_count })}</span>
                    <span>{m.direction === "up" ? t("directionUp") : t("directionDown")}</span>
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

const POINTS_PAGE = 50;

export function MeasurePage() {
  const { measureId = "" } = useParams();
  const t = useT();
  const [offset, setOffset] = useState(0);
  const measure = useLoad(
    () => api.GET("/api/v1/measures/{measure_id}", { params: { path: { measure_id: measureId } } }).then(unwrap),
    [measureId],
  );
  const { role } = useMembership(measure.data?.network_id ?? "");
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState("");
  const points = useLoad(
    () =>
      api
        .GET("/api/v1/measures/{measure_id}/points", {
          params: { path: { measure_id: measureId }, query: { limit: POINTS_PAGE, offset } },
        })
        .then(unwrap)
        .then(offsetPage),
    [measureId, offset],
  );
  const [chartKey, setChartKey] = useState(0);
  const canRecord = [...THEORY_EDITORS, "leader"].includes(role);
  const pointSaved = () => {
    points.reload();
    measure.reload();
    setChartKey((k) => k + 1);
  };
  return (
    <Loaded state={measure}>
      {(m) => (
        <section>
          <p>
            <Link to={`/redes/${m.network_id}/medidas`}>← {t("measuresTitle")}</Link>
          </p>
          <h1>{m.name}</h1>
          {notice && (
            <p className="notice" role="status">
              {notice}
            </p>
          )}
          {editing ? (
            // The form edits the measure as read when it opens (its ETag), not the page's older copy.
            <EditFresh
              load={() =>
                api.GET("/api/v1/measures/{measure_id}", { params: { path: { measure_id: m.id } } }).then(unwrap)
              }
            >
              {(fresh, reload) => (
                <MeasureForm
                  networkId={m.network_id}
                  measure={fresh}
                  t={t}
                  onSaved={(saved) => {
                    measure.setData(saved);
                    setEditing(false);
                    setNotice(t("measureSaved"));
                  }}
                  onCancel={() => setEditing(false)}
                  onReload={reload}
                />
              )}
            </EditFresh>
          ) : (
            <>
              <p className="meta">
                <span>{t(`kind_${m.kind}`)}</span>
                <span>{t(`value_${m.value_type}`)}</span>
                <span>{t(`freq_${m.frequency}`)}</span>
                {m.unit && <span>{m.unit}</span>}
                <span>{m.direction === "up" ? t("directionUp") : t("directionDown")}</span>
              </p>
              <p>
                <strong>{t("operationalDefinition")}:</strong> {m.operational_definition}
              </p>
              {THEORY_EDITORS.includes(role) && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    setNotice("");
                    setEditing(true);
                  }}
                >
                  {t("editMeasure")}
                </button>
              )}
            </>
          )}
          {/* The run chart is drawn by the reports service (the same SVG as in the PDFs). */}
          <RunChart measureId={m.id} reloadKey={chartKey} />
          <MeasurePhases
            measureId={m.id}
            canDecide={THEORY_EDITORS.includes(role)}
            reloadKey={chartKey}
            onChanged={() => setChartKey((k) => k + 1)}
          />
          <h2>{t("dataTable")}</h2>
          <Loaded state={points}>
            {(page) =>
              page.items.length === 0 ? (
                <p className="empty">{t("noPoints")}</p>
              ) : (
                <>
                  <table data-testid="points-table">
                    <thead>
                      <tr>
                        <th>{t("period")}</th>
                        <th>{t("value")}</th>
                        {m.value_type === "proportion" && (
                          <>
                            <th>{t("numerator")}</th>
                            <th>{t("denominator")}</th>
                          </>
                        )}
                        <th>{t("note")}</th>
                        {canRecord && <th>{t("actions")}</th>}
                      </tr>
                    </thead>
                    <tbody>
                      {page.items.map((p) => (
                        <tr key={p.id}>
                          <td>{formatMonth(p.period)}</td>
                          <td>{pointValue(m, p.value)}</td>
                          {m.value_type === "proportion" && (
                            <>
                              <td>{p.numerator}</td>
                              <td>{p.denominator}</td>
                            </>
                          )}
                          <td>{p.note}</td>
                          {canRecord && (
                            <td>
                              <DeletePoint measureId={m.id} point={p} t={t} onDeleted={pointSaved} />
                            </td>
                          )}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <Pager total={page.total} limit={page.limit} offset={page.offset} onChange={setOffset} />
                </>
              )
            }
          </Loaded>
          <PointHistory measure={m} reloadKey={chartKey} t={t} />
          {canRecord && <PointForm measure={m} t={t} onSaved={pointSaved} />}
          {[...THEORY_EDITORS, "leader"].includes(role) && (
            <PointsImport
              measureId={m.id}
              t={t}
              onImported={() => {
                setOffset(0);
                pointSaved();
              }}
            />
          )}
        </section>
      )}
    </Loaded>
  );
}
