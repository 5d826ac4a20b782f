import { useState, type FormEvent } from "react";
import { api, unwrap, useIdempotencyKey, withEtag } from "../../api/client";
import type { components } from "../../api/schema";
import { errorsOf, FieldError, matchHeaders, tagOf, type FormProblem, type T } from "./common";
import type { Measure } from "./MeasureForms";

type Point = components["schemas"]["PointRead"];

const EMPTY_POINT = { period: "", value: "", numerator: "", denominator: "", note: "" };

/** A value in es-CL, as the table and the chart show it (proportions as a percentage). */
export function pointValue(measure: Measure, value: number): string {
  return measure.value_type === "proportion"
    ? `${new Intl.NumberFormat("es-CL", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value * 100)} %`
    : new Intl.NumberFormat("es-CL", { maximumFractionDigits: 2 }).format(value);
}

/**
 * Register one point. A period that already has a value is never replaced silently: the API answers 409 with the
 * current value, the form shows it and asks; «Reemplazar» sends the same point again with that value's ETag.
 */
export function PointForm({ measure, t, onSaved }: { measure: Measure; t: T; onSaved: () => void }) {
  const [form, setForm] = useState(EMPTY_POINT);
  const [problem, setProblem] = useState<FormProblem>(null);
  const [existing, setExisting] = useState<Point | null>(null);
  const pointKey = useIdempotencyKey();
  const send = async (replacing: Point | null) => {
    setProblem(null);
    const num = (s: string) => (s.trim() === "" ? null : Number(s.replace(",", ".")));
    try {
      const result = await pointKey.send((headers) =>
        api.POST("/api/v1/measures/{measure_id}/points", {
          params: { path: { measure_id: measure.id } },
          body: {
            period: form.period,
            value: num(form.value),
            numerator: num(form.numerator),
            denominator: num(form.denominator),
            note: form.note,
          },
          headers: replacing ? { ...headers, ...matchHeaders(tagOf(replacing)) } : headers,
        }),
      );
      // 409 point_exists carries the stored point in `current` (a problem extension ApiError does not keep).
      const current = (result.error as { code?: string; current?: Point } | undefined)?.current;
      if (result.response.status === 409 && current) {
        setExisting(withEtag(current, result.response.headers.get("ETag")));
        return;
      }
      unwrap(result);
      setForm(EMPTY_POINT);
      setExisting(null);
      onSaved();
    } catch (err) {
      setExisting(null);
      setProblem(errorsOf(err));
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(null);
  };
  const fields = problem?.fields ?? {};
  return (
    <>
      <h2>{t("addPoint")}</h2>
      {problem && (
        <p className="alert" role="alert">
          {problem.detail}
        </p>
      )}
      {existing && (
        <div className="alert" role="alertdialog" aria-label={t("pointExistsTitle")} data-testid="point-exists">
          <p>
            {t("pointExists", {
              value: pointValue(measure, existing.value),
              detail:
                existing.numerator !== null && existing.denominator !== null
                  ? ` (${existing.numerator} / ${existing.denominator})`
                  : "",
            })}
          </p>
          <p className="actions">
            <button type="button" onClick={() => void send(existing)}>
              {t("replacePoint")}
            </button>
            <button type="button" className="secondary" onClick={() => setExisting(null)}>
              {t("keepPoint")}
            </button>
          </p>
        </div>
      )}
      <form onSubmit={submit} className="inline-form" noValidate data-testid="point-form">
        <label>
          {t("period")}
          <input
            type="date"
            value={form.period}
            onChange={(e) => setForm({ ...form, period: e.target.value })}
            aria-invalid={!!fields.period}
          />
          <FieldError errors={fields} name="period" />
        </label>
        {measure.value_type === "proportion" ? (
          <>
            <label>
              {t("numerator")}
              <input
                inputMode="numeric"
                value={form.numerator}
                onChange={(e) => setForm({ ...form, numerator: e.target.value })}
                aria-invalid={!!fields.numerator}
              />
              <FieldError errors={fields} name="numerator" />
            </label>
            <label>
              {t("denominator")}
              <input
                inputMode="numeric"
                value={form.denominator}
                onChange={(e) => setForm({ ...form, denominator: e.target.value })}
                aria-invalid={!!fields.denominator}
              />
              <FieldError errors={fields} name="denominator" />
            </label>
          </>
        ) : (
          <label>
            {t("value")}
            <input
              inputMode="decimal"
              value={form.value}
              onChange={(e) => setForm({ ...form, value: e.target.value })}
              aria-invalid={!!fields.value}
            />
            <FieldError errors={fields} name="value" />
          </label>
        )}
        <label>
          {t("note")}
          <input value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />
        </label>
        <button type="submit">{t("addPoint")}</button>
      </form>
    </>
  );
}
