import { useState, type FormEvent } from "react";
import { api, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import { roleLabel } from "../../components/Layout";
import { useI18n } from "../../i18n";
import {
  errorsOf,
  FieldError,
  FormAlert,
  LevelChecks,
  matchHeaders,
  newId,
  ROLES,
  tagOf,
  type FormProblem,
  type Role,
  type T,
} from "./common";

export type School = components["schemas"]["SchoolRead"];
export type Person = components["schemas"]["PersonRead"];

/**
 * Create (no `school`) or edit a school; the API's errors appear next to each field. An edit sends the ETag the
 * school was read with; on 412 the typed values stay and `onReload` brings the current version.
 */
export function SchoolForm({
  networkId,
  school,
  t,
  onSaved,
  onCancel,
  onReload,
}: {
  networkId: string;
  school?: School;
  t: T;
  onSaved: (s: School) => void;
  onCancel: () => void;
  onReload?: () => void;
}) {
  const [id] = useState(newId);
  const idempotency = useIdempotencyKey();
  const [form, setForm] = useState({
    rbd: school ? String(school.rbd) : "",
    name: school?.name ?? "",
    commune: school?.commune ?? "",
    region: school?.region ?? "",
    levels: school?.levels ?? [],
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    // A non-number RBD goes as typed so that the API explains what is wrong with it.
    const rbd = /^\s*\d+\s*$/.test(form.rbd) ? Number(form.rbd) : (form.rbd as unknown as number);
    const body = { rbd, name: form.name, commune: form.commune, region: form.region, levels: form.levels };
    try {
      const saved = school
        ? unwrap(
            await api.PATCH("/api/v1/schools/{school_id}", {
              params: { path: { school_id: school.id } },
              body,
              headers: matchHeaders(tagOf(school)),
            }),
          )
        : unwrap(
            await idempotency.send((headers) =>
              api.POST("/api/v1/networks/{network_id}/schools", {
                params: { path: { network_id: networkId } },
                body: { id, ...body },
                headers,
              }),
            ),
          );
      onSaved(saved);
    } catch (err) {
      setProblem(errorsOf(err));
      setBusy(false);
    }
  };
  const fields = problem?.fields ?? {};
  const title = school ? t("editSchool") : t("addSchool");
  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-label={title} data-testid="school-form">
      <h3>{title}</h3>
      <FormAlert problem={problem} onReload={onReload ?? onCancel} />
      <div className="form-row">
        <label>
          RBD
          <input
            name="rbd"
            inputMode="numeric"
            value={form.rbd}
            onChange={(e) => setForm({ ...form, rbd: e.target.value })}
            aria-invalid={!!fields.rbd}
          />
          <FieldError errors={fields} name="rbd" />
        </label>
        <label className="grow">
          {t("name")}
          <input
            name="name"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            aria-invalid={!!fields.name}
          />
          <FieldError errors={fields} name="name" />
        </label>
      </div>
      <div className="form-row">
        <label className="grow">
          {t("commune")}
          <input
            name="commune"
            value={form.commune}
            onChange={(e) => setForm({ ...form, commune: e.target.value })}
            aria-invalid={!!fields.commune}
          />
          <FieldError errors={fields} name="commune" />
        </label>
        <label className="grow">
          {t("region")}
          <input
            name="region"
            value={form.region}
            onChange={(e) => setForm({ ...form, region: e.target.value })}
            aria-invalid={!!fields.region}
          />
          <FieldError errors={fields} name="region" />
        </label>
      </div>
      <LevelChecks value={form.levels} onChange={(levels) => setForm({ ...form, levels })} fields={fields} t={t} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t("saving") : t("save")}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}

/** Create (no `person`) or edit a person of the network (an edit sends its ETag, as SchoolForm). */
export function PersonForm({
  networkId,
  person,
  schools,
  t,
  onSaved,
  onCancel,
  onReload,
}: {
  networkId: string;
  person?: Person;
  schools: School[];
  t: T;
  onSaved: (p: Person) => void;
  onCancel: () => void;
  onReload?: () => void;
}) {
  const { t: tt } = useI18n();
  const [id] = useState(newId);
  const idempotency = useIdempotencyKey();
  const [form, setForm] = useState({
    run: person?.run ?? "",
    name: person?.name ?? "",
    email: person?.email ?? "",
    role: (person?.role ?? "teacher") as Role,
    school_id: person?.school_id ?? "",
    levels: person?.levels ?? [],
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const common = {
      name: form.name,
      email: form.email.trim() || null,
      role: form.role,
      school_id: form.school_id || null,
      levels: form.levels,
    };
    try {
      const saved = person
        ? unwrap(
            await api.PATCH("/api/v1/people/{person_id}", {
              params: { path: { person_id: person.id } },
              headers: matchHeaders(tagOf(person)),
              // The RUN is sent only when it was changed (it is hidden from who may not see it).
              body: { ...common, ...(form.run !== (person.run ?? "") ? { run: form.run } : {}) },
            }),
          )
        : unwrap(
            await idempotency.send((headers) =>
              api.POST("/api/v1/networks/{network_id}/people", {
                params: { path: { network_id: networkId } },
                body: { id, run: form.run, ...common },
                headers,
              }),
            ),
          );
      onSaved(saved);
    } catch (err) {
      setProblem(errorsOf(err));
      setBusy(false);
    }
  };
  const fields = problem?.fields ?? {};
  const title = person ? t("editPerson") : t("addPerson");
  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-label={title} data-testid="person-form">
      <h3>{title}</h3>
      <FormAlert problem={problem} onReload={onReload ?? onCancel} />
      <div className="form-row">
        <label>
          RUN
          <input
            name="run"
            value={form.run}
            placeholder="12.345.678-5"
            onChange={(e) => setForm({ ...form, run: e.target.value })}
            aria-invalid={!!fields.run}
            aria-describedby="run-hint"
          />
          <span id="run-hint" className="muted hint">
            {t("runHint")}
          </span>
          <FieldError errors={fields} name="run" />
        </label>
        <label className="grow">
          {t("name")}
          <input
            name="name"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            aria-invalid={!!fields.name}
          />
          <FieldError errors={fields} name="name" />
        </label>
      </div>
      <div className="form-row">
        <label className="grow">
          {t("email")}
          <input
            name="email"
            type="email"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
            aria-invalid={!!fields.email}
          />
          <FieldError errors={fields} name="email" />
        </label>
        <label>
          {t("role")}
          <select
            name="role"
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
            aria-invalid={!!fields.role}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabel(tt, r)}
              </option>
            ))}
          </select>
          <FieldError errors={fields} name="role" />
        </label>
        <label className="grow">
          {t("school")}
          <select
            name="school_id"
            value={form.school_id}
            onChange={(e) => setForm({ ...form, school_id: e.target.value })}
            aria-invalid={!!fields.school_id}
          >
            <option value="">{t("noSchool")}</option>
            {schools.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.rbd})
              </option>
            ))}
          </select>
          <FieldError errors={fields} name="school_id" />
        </label>
      </div>
      <LevelChecks value={form.levels} onChange={(levels) => setForm({ ...form, levels })} fields={fields} t={t} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t("saving") : t("save")}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}
