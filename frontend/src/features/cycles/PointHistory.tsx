import { useState } from "react";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { errorsOf, formatDateTime, formatMonth, Loaded, matchHeaders, tagOf, useLoad, type T } from "./common";
import type { Measure } from "./MeasureForms";
import { pointValue } from "./PointForm";

type Point = components["schemas"]["PointRead"];

/** Delete one point after asking (If-Match: the version shown); the deletion stays in the history. */
export function DeletePoint({
  measureId,
  point,
  t,
  onDeleted,
}: {
  measureId: string;
  point: Point;
  t: T;
  onDeleted: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState("");
  const remove = async () => {
    setError("");
    try {
      const result = await api.DELETE("/api/v1/measures/{measure_id}/points/{point_id}", {
        params: { path: { measure_id: measureId, point_id: point.id } },
        headers: matchHeaders(tagOf(point)),
      });
      if (!result.response.ok) unwrap(result as { data?: unknown; error?: unknown; response: Response });
      setAsking(false);
      onDeleted();
    } catch (err) {
      setError(errorsOf(err).detail);
    }
  };
  if (!asking)
    return (
      <button type="button" className="secondary small" onClick={() => setAsking(true)}>
        {t("deletePoint")}
      </button>
    );
  return (
    <span role="group" aria-label={t("deletePoint")}>
      {t("deletePointAsk")}{" "}
      <button type="button" className="small" onClick={() => void remove()}>
        {t("deletePointYes")}
      </button>{" "}
      <button type="button" className="secondary small" onClick={() => setAsking(false)}>
        {t("cancel")}
      </button>
      {error && (
        <span className="alert" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/** Who created, replaced, edited or deleted which value, newest first. */
export function PointHistory({ measure, reloadKey, t }: { measure: Measure; reloadKey: number; t: T }) {
  const history = useLoad(
    () =>
      api
        .GET("/api/v1/measures/{measure_id}/points/history", {
          params: { path: { measure_id: measure.id }, query: { limit: 20 } },
        })
        .then(unwrap),
    [measure.id, reloadKey],
  );
  const shown = (v: number | null) => (v === null ? "—" : pointValue(measure, v));
  return (
    <details data-testid="points-history">
      <summary>{t("pointsHistory")}</summary>
      <Loaded state={history}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">{t("noHistory")}</p>
          ) : (
            <ul>
              {page.items.map((h) => (
                <li key={h.id}>
                  {formatMonth(h.period)}: {t(`change_${h.action}`)} · {shown(h.old_value)} → {shown(h.new_value)}{" "}
                  <span className="muted">
                    · {h.actor_name}, {formatDateTime(h.changed_at)}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </details>
  );
}
