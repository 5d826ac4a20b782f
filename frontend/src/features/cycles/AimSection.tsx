import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import {
  errorsOf,
  FieldError,
  FormAlert,
  formatDay,
  Loaded,
  matchHeaders,
  newId,
  parseNumber,
  tagOf,
  useLoad,
  type FormProblem,
  type T,
} from "./common";

type Aim = components["schemas"]["AimRead"];
const FOCUS_DOMAINS = ["ES", "CO", "IS"] as const;

/** The network's shared aim; coordinators and facilitators define and edit it. */
export function AimSection({ networkId, t, canEdit }: { networkId: string; t: T; canEdit: boolean }) {
  const aims = useLoad(
    () => api.GET("/api/v1/networks/{network_id}/aims", { params: { path: { network_id: networkId } } }).then(unwrap),
    [networkId],
  );
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const saved = () => {
    setEditing(null);
    setNotice(t("aimSaved"));
    aims.reload();
  };
  // "Recargar" after a 412: read the aims again; the open form starts over from the current version.
  const reload = () => {
    aims.setData(null);
    aims.reload();
  };
  return (
    <section className="aim" data-testid="network-aim">
      <h2>{t("networkAim")}</h2>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <Loaded state={aims}>
        {(page) => (
          <>
            {page.items.length === 0 && editing !== "new" && <p className="empty">{t("noAim")}</p>}
            {page.items.map((aim) =>
              editing === aim.id ? (
                <AimForm
                  key={aim.id}
                  networkId={networkId}
                  aim={aim}
                  t={t}
                  onSaved={saved}
                  onCancel={() => setEditing(null)}
                  onReload={reload}
                />
              ) : (
                <div key={aim.id} className="card">
                  <p className="aim-statement">{aim.statement}</p>
                  <p className="meta">
                    {aim.baseline !== null && (
                      <span>
                        {t("baseline")}: {aim.baseline}
                      </span>
                    )}
                    {aim.target_value !== null && (
                      <span>
                        {t("target")}: {aim.target_value}
                      </span>
                    )}
                    {aim.target_date && (
                      <span>
                        {t("targetDate")}: {formatDay(aim.target_date)}
                      </span>
                    )}
                    {aim.focus_domain && (
                      <span>
                        {t("focusDomain")}: {aim.focus_domain}
                      </span>
                    )}
                  </p>
                  {aim.measure_description && (
                    <p className="muted">
                      {t("judgedBy")}:{" "}
                      {aim.measure_id ? (
                        <Link to={`/medidas/${aim.measure_id}`}>{aim.measure_description}</Link>
                      ) : (
                        aim.measure_description
                      )}
                    </p>
                  )}
                  {canEdit && editing === null && (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => {
                        setNotice("");
                        setEditing(aim.id);
                      }}
                    >
                      {t("editAim")}
                    </button>
                  )}
                </div>
              ),
            )}
            {editing === "new" && (
              <AimForm networkId={networkId} t={t} onSaved={saved} onCancel={() => setEditing(null)} />
            )}
            {canEdit && editing === null && (
              <p>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    setNotice("");
                    setEditing("new");
                  }}
                >
                  {t("addAimButton")}
                </button>
              </p>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function AimForm({
  networkId,
  aim,
  t,
  onSaved,
  onCancel,
  onReload,
}: {
  networkId: string;
  aim?: Aim;
  t: T;
  onSaved: () => void;
  onCancel: () => void;
  onReload?: () => void;
}) {
  const [id] = useState(newId);
  const idempotency = useIdempotencyKey();
  const measures = useLoad(
    () =>
      api
        .GET("/api/v1/networks/{network_id}/measures", {
          params: { path: { network_id: networkId }, query: { limit: 200 } },
        })
        .then(unwrap),
    [networkId],
  );
  const [form, setForm] = useState({
    statement: aim?.statement ?? "",
    measure_id: aim?.measure_id ?? "",
    measure_description: aim?.measure_description ?? "",
    baseline: aim?.baseline?.toString() ?? "",
    target_value: aim?.target_value?.toString() ?? "",
    target_date: aim?.target_date ?? "",
    focus_domain: aim?.focus_domain ?? "",
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const body = {
      statement: form.statement,
      measure_id: form.measure_id || null,
      measure_description: form.measure_description,
      baseline: parseNumber(form.baseline),
      target_value: parseNumber(form.target_value),
      target_date: form.target_date || null,
      focus_domain: form.focus_domain || null,
    };
    try {
      if (aim)
        unwrap(
          await api.PATCH("/api/v1/aims/{aim_id}", {
            params: { path: { aim_id: aim.id } },
            body,
            headers: matchHeaders(tagOf(aim)),
          }),
        );
      else
        unwrap(
          await idempotency.send((headers) =>
            api.POST("/api/v1/networks/{network_id}/aims", {
              params: { path: { network_id: networkId } },
              body: { id, ...body },
              headers,
            }),
          ),
        );
      onSaved();
    } catch (err) {
      setProblem(errorsOf(err));
      setBusy(false);
    }
  };
  const fields = problem?.fields ?? {};
  const title = aim ? t("editAim") : t("addAimButton");
  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-label={title} data-testid="aim-form">
      <h3>{title}</h3>
      <FormAlert problem={problem} onReload={onReload ?? onCancel} />
      <label>
        {t("statement")}
        <textarea
          name="statement"
          rows={3}
          value={form.statement}
          onChange={(e) => setForm({ ...form, statement: e.target.value })}
          aria-invalid={!!fields.statement}
        />
        <FieldError errors={fields} name="statement" />
      </label>
      <div className="form-row">
        <label className="grow">
          {t("aimMeasure")}
          <select
            name="measure_id"
            value={form.measure_id}
            onChange={(e) => {
              const chosen = measures.data?.items.find((m) => m.id === e.target.value);
              setForm({
                ...form,
                measure_id: e.target.value,
                measure_description: chosen && !form.measure_description ? chosen.name : form.measure_description,
              });
            }}
            aria-invalid={!!fields.measure_id}
          >
            <option value="">{t("noMeasure")}</option>
            {(measures.data?.items ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          <FieldError errors={fields} name="measure_id" />
        </label>
        <label className="grow">
          {t("measureDescription")}
          <input
            name="measure_description"
            value={form.measure_description}
            onChange={(e) => setForm({ ...form, measure_description: e.target.value })}
            aria-invalid={!!fields.measure_description}
          />
          <FieldError errors={fields} name="measure_description" />
        </label>
      </div>
      <div className="form-row">
        <label>
          {t("baseline")}
          <input
            name="baseline"
            inputMode="decimal"
            value={form.baseline}
            onChange={(e) => setForm({ ...form, baseline: e.target.value })}
            aria-invalid={!!fields.baseline}
          />
          <FieldError errors={fields} name="baseline" />
        </label>
        <label>
          {t("targetValue")}
          <input
            name="target_value"
            inputMode="decimal"
            value={form.target_value}
            onChange={(e) => setForm({ ...form, target_value: e.target.value })}
            aria-invalid={!!fields.target_value}
          />
          <FieldError errors={fields} name="target_value" />
        </label>
        <label>
          {t("targetDate")}
          <input
            name="target_date"
            type="date"
            value={form.target_date}
            onChange={(e) => setForm({ ...form, target_date: e.target.value })}
            aria-invalid={!!fields.target_date}
          />
          <FieldError errors={fields} name="target_date" />
        </label>
        <label>
          {t("focusDomain")}
          <select
            name="focus_domain"
            value={form.focus_domain}
            onChange={(e) => setForm({ ...form, focus_domain: e.target.value })}
            aria-invalid={!!fields.focus_domain}
          >
            <option value="">{t("noFocus")}</option>
            {FOCUS_DOMAINS.map((d) => (
              <option key={d} value={d}>
                {t(`domain_${d}`)}
              </option>
            ))}
            {form.focus_domain && !(FOCUS_DOMAINS as readonly string[]).includes(form.focus_domain) && (
              <option value={form.focus_domain}>{form.focus_domain}</option>
            )}
          </select>
          <FieldError errors={fields} name="focus_domain" />
        </label>
      </div>
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
