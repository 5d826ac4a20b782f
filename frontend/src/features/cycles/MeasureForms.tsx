import { useState, type FormEvent } from "react";
import { api, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import {
  errorsOf,
  FieldError,
  FileErrorTable,
  fileErrorsOf,
  FormAlert,
  matchHeaders,
  newId,
  tagOf,
  type FileError,
  type FormProblem,
  type T,
} from "./common";

export type Measure = components["schemas"]["MeasureRead"];
type Create = components["schemas"]["MeasureCreate"];
const KINDS: Create["kind"][] = ["outcome", "process", "balancing"];
const VALUE_TYPES: Create["value_type"][] = ["count", "proportion", "continuous"];
const FREQUENCIES: Create["frequency"][] = ["weekly", "monthly", "term", "yearly"];

/** Create (no `measure`) or edit a measure of the network; an edit sends the ETag the measure was read with. */
export function MeasureForm({
  networkId,
  measure,
  t,
  onSaved,
  onCancel,
  onReload,
}: {
  networkId: string;
  measure?: Measure;
  t: T;
  onSaved: (m: Measure) => void;
  onCancel: () => void;
  onReload?: () => void;
}) {
  const [id] = useState(newId);
  const idempotency = useIdempotencyKey();
  const [form, setForm] = useState<Omit<Create, "id">>({
    name: measure?.name ?? "",
    kind: measure?.kind ?? "process",
    operational_definition: measure?.operational_definition ?? "",
    unit: measure?.unit ?? "",
    value_type: measure?.value_type ?? "count",
    direction: measure?.direction ?? "up",
    frequency: measure?.frequency ?? "monthly",
    run_rules: measure?.run_rules ?? "anhoj",
    control_rules: measure?.control_rules ?? [],
    laney: measure?.laney ?? "auto",
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const saved = measure
        ? unwrap(
            await api.PATCH("/api/v1/measures/{measure_id}", {
              params: { path: { measure_id: measure.id } },
              body: form,
              headers: matchHeaders(tagOf(measure)),
            }),
          )
        : unwrap(
            await idempotency.send((headers) =>
              api.POST("/api/v1/networks/{network_id}/measures", {
                params: { path: { network_id: networkId } },
                body: { id, ...form },
                headers,
              }),
            ),
          );
      setBusy(false);
      onSaved(saved);
    } catch (err) {
      setProblem(errorsOf(err));
      setBusy(false);
    }
  };
  const fields = problem?.fields ?? {};
  const title = measure ? t("editMeasure") : t("newMeasure");
  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-label={title} data-testid="measure-form">
      <h2>{title}</h2>
      <FormAlert problem={problem} onReload={onReload ?? onCancel} />
      <label>
        {t("measureName")}
        <input
          name="name"
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          aria-invalid={!!fields.name}
        />
        <FieldError errors={fields} name="name" />
      </label>
      <div className="form-row">
        <label>
          {t("measureKind")}
          <select
            name="kind"
            value={form.kind}
            onChange={(e) => setForm({ ...form, kind: e.target.value as Create["kind"] })}
            aria-invalid={!!fields.kind}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind_${k}`)}
              </option>
            ))}
          </select>
          <FieldError errors={fields} name="kind" />
        </label>
        <label>
          {t("valueType")}
          <select
            name="value_type"
            value={form.value_type}
            onChange={(e) => setForm({ ...form, value_type: e.target.value as Create["value_type"] })}
            aria-invalid={!!fields.value_type}
          >
            {VALUE_TYPES.map((v) => (
              <option key={v} value={v}>
                {t(`value_${v}`)}
              </option>
            ))}
          </select>
          <FieldError errors={fields} name="value_type" />
        </label>
        <label>
          {t("unit")}
          <input
            name="unit"
            value={form.unit}
            onChange={(e) => setForm({ ...form, unit: e.target.value })}
            aria-invalid={!!fields.unit}
          />
          <FieldError errors={fields} name="unit" />
        </label>
      </div>
      <div className="form-row">
        <label>
          {t("direction")}
          <select
            name="direction"
            value={form.direction}
            onChange={(e) => setForm({ ...form, direction: e.target.value as Create["direction"] })}
            aria-invalid={!!fields.direction}
          >
            <option value="up">{t("directionUp")}</option>
            <option value="down">{t("directionDown")}</option>
          </select>
          <FieldError errors={fields} name="direction" />
        </label>
        <label>
          {t("frequency")}
          <select
            name="frequency"
            value={form.frequency}
            onChange={(e) => setForm({ ...form, frequency: e.target.value as Create["frequency"] })}
            aria-invalid={!!fields.frequency}
          >
            {FREQUENCIES.map((f) => (
              <option key={f} value={f}>
                {t(`freq_${f}`)}
              </option>
            ))}
          </select>
          <FieldError errors={fields} name="frequency" />
        </label>
      </div>
      <label>
        {t("runRules")}
        <select
          name="run_rules"
          value={form.run_rules}
          onChange={(e) => setForm({ ...form, run_rules: e.target.value as Create["run_rules"] })}
        >
          <option value="anhoj">{t("runRules_anhoj")}</option>
          <option value="ihi">{t("runRules_ihi")}</option>
        </select>
      </label>
      <label>
        {t("operationalDefinition")}
        <textarea
          name="operational_definition"
          rows={3}
          value={form.operational_definition}
          onChange={(e) => setForm({ ...form, operational_definition: e.target.value })}
          aria-invalid={!!fields.operational_definition}
        />
        <FieldError errors={fields} name="operational_definition" />
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t("saving") : t("saveMeasure")}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}

/** Bulk import of a measure's points from a CSV: all or nothing, every error listed. */
export function PointsImport({ measureId, t, onImported }: { measureId: string; t: T; onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState("");
  const [detail, setDetail] = useState("");
  const [errors, setErrors] = useState<FileError[]>([]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult("");
    setDetail("");
    setErrors([]);
    if (!file) {
      setDetail(t("chooseFile"));
      return;
    }
    setBusy(true);
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      const r = unwrap(
        await api.POST("/api/v1/measures/{measure_id}/points:import", {
          params: { path: { measure_id: measureId } },
          // Multipart field `file` (the API reads it like the roster import); the browser sets the boundary.
          body: form as unknown as string,
        }),
      );
      setResult(t("pointsImported", { created: r.created, replaced: r.replaced, total: r.total }));
      setFile(null);
      setInputKey((k) => k + 1);
      onImported();
    } catch (err) {
      setDetail(errorsOf(err).detail);
      setErrors(fileErrorsOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section data-testid="points-import">
      <h2>{t("importPoints")}</h2>
      <p className="muted">{t("importPointsIntro")}</p>
      <form onSubmit={submit} className="inline-form" noValidate>
        <label>
          {t("csvFile")}
          <input
            key={inputKey}
            type="file"
            name="file"
            accept=".csv,text/csv,text/plain"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? t("importing") : t("importPointsButton")}
        </button>
      </form>
      {result && (
        <p className="notice" role="status">
          {result}
        </p>
      )}
      {detail && (
        <p className="alert" role="alert">
          {detail}
        </p>
      )}
      {errors.length > 0 && <FileErrorTable errors={errors} t={t} testId="points-errors" />}
    </section>
  );
}
