// Observation instruments: the list (shipped and the network's own, with Spanish domain and dimension names) and,
// for coordinators, the form to create a custom instrument or edit one. An instrument already used by an
// observation is never changed: the API answers an edit with a new version (201), and the screen says so.
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router-dom";
import { api, ApiError, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { Loading } from "../../components/Layout";
import { FieldError } from "../../components/Loaded";
import { ClassNotice, isClass, useMembership, useT, type Instrument } from "./common";
import { uuid4 } from "./EntryPage";

type InstrumentCreate = components["schemas"]["InstrumentCreate"];
type InstrumentBody = components["schemas"]["InstrumentBody"];
type T = ReturnType<typeof useT>;

interface DimensionForm {
  key: string;
  code: string;
  name: string;
  name_en: string;
  reverse: boolean;
  order: string;
}
interface DomainForm {
  key: string;
  code: string;
  name: string;
  order: string;
  dimensions: DimensionForm[];
}
interface InstrumentForm {
  code: string;
  name: string;
  description: string;
  scaleMin: string;
  scaleMax: string;
  minCycles: string;
  domains: DomainForm[];
}

let keySeq = 0;
const newKey = () => `k${++keySeq}`;

function emptyDimension(order: number): DimensionForm {
  return { key: newKey(), code: "", name: "", name_en: "", reverse: false, order: String(order) };
}

function emptyForm(): InstrumentForm {
  return {
    code: "",
    name: "",
    description: "",
    scaleMin: "1",
    scaleMax: "4",
    minCycles: "1",
    domains: [{ key: newKey(), code: "", name: "", order: "1", dimensions: [emptyDimension(1)] }],
  };
}

function formOf(instrument: Instrument): InstrumentForm {
  return {
    code: instrument.code,
    name: instrument.name,
    description: instrument.description,
    scaleMin: String(instrument.scale.min),
    scaleMax: String(instrument.scale.max),
    minCycles: String(instrument.min_cycles),
    domains: instrument.domains.map((d) => ({
      key: newKey(),
      code: d.code,
      name: d.name,
      order: String(d.order),
      dimensions: d.dimensions.map((m) => ({
        key: newKey(),
        code: m.code,
        name: m.name,
        name_en: m.name_en,
        reverse: m.reverse,
        order: String(m.order),
      })),
    })),
  };
}

/** A number field as sent: an integer, or the raw text so that the API explains what is wrong with it. */
function integer(value: string): number {
  const trimmed = value.trim();
  return (/^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed === "" ? null : trimmed) as number;
}

function bodyOf(form: InstrumentForm): InstrumentBody {
  return {
    name: form.name.trim(),
    description: form.description.trim(),
    scale: { min: integer(form.scaleMin), max: integer(form.scaleMax) },
    min_cycles: integer(form.minCycles),
    domains: form.domains.map((d) => ({
      code: d.code.trim(),
      name: d.name.trim(),
      order: integer(d.order),
      dimensions: d.dimensions.map((m) => ({
        code: m.code.trim(),
        name: m.name.trim(),
        name_en: m.name_en.trim(),
        reverse: m.reverse,
        order: integer(m.order),
      })),
    })),
  };
}

/** The error keys (API field paths) shown next to a field of this form; the others are listed in the summary. */
function shownKeys(form: InstrumentForm): Set<string> {
  const keys = new Set(["code", "name", "scale", "scale.min", "scale.max", "min_cycles", "description", "domains"]);
  form.domains.forEach((d, di) => {
    for (const f of ["code", "name", "order", "dimensions"]) keys.add(`domains[${di}].${f}`);
    d.dimensions.forEach((_, mi) => {
      for (const f of ["code", "name", "name_en", "order"]) keys.add(`domains[${di}].dimensions[${mi}].${f}`);
    });
  });
  return keys;
}

function nextDimensionOrder(form: InstrumentForm): number {
  const orders = form.domains.flatMap((d) => d.dimensions.map((m) => Number(m.order) || 0));
  return Math.max(0, ...orders) + 1;
}

export function InstrumentListPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const location = useLocation();
  const membership = useMembership(networkId);
  const [allVersions, setAllVersions] = useState(false);
  const [items, setItems] = useState<Instrument[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const message = (location.state as { message?: string } | null)?.message;

  useEffect(() => {
    let cancelled = false;
    setItems(null);
    api
      .GET("/api/v1/instruments", {
        params: { query: { network_id: networkId, all_versions: allVersions, limit: 200 } },
      })
      .then((result) => !cancelled && setItems(unwrap(result).items))
      .catch((err) => !cancelled && setError(err instanceof ApiError ? err.problem.detail : String(err)));
    return () => {
      cancelled = true;
    };
  }, [networkId, allVersions]);

  const isCoordinator = membership?.role === "coordinator";

  return (
    <section className="obs-instruments">
      <p>
        <Link to={`/redes/${networkId}`}>← {t("back")}</Link>
      </p>
      <div className="obs-entry-head">
        <h1>{t("instrumentsTitle")}</h1>
        {isCoordinator && (
          <Link className="button" to={`/redes/${networkId}/instrumentos/nuevo`}>
            + {t("newInstrument")}
          </Link>
        )}
      </div>
      <p className="muted">{t("instrumentsIntro")}</p>
      {message && (
        <p className="notice success" role="status" data-testid="instrument-message">
          {message}
        </p>
      )}
      <label className="obs-check">
        <input type="checkbox" checked={allVersions} onChange={(e) => setAllVersions(e.target.checked)} />
        {t("allVersions")}
      </label>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {!items && !error && <Loading />}
      {items && items.length === 0 && <p className="empty">{t("noInstruments")}</p>}
      {items && (
        <ul className="obs-instrument-list" data-testid="instrument-list">
          {items.map((i) => (
            <li key={i.id} className="card" data-testid={`instrument-${i.code}-v${i.version}`}>
              <div className="obs-entry-head">
                <h2>
                  {i.name} <span className="muted">v{i.version}</span>
                </h2>
                {isCoordinator && !i.builtin && i.network_id === networkId && i.latest && (
                  <Link
                    className="button secondary"
                    to={`/redes/${networkId}/instrumentos/${i.id}/editar`}
                    aria-label={`${t("editInstrument")} ${i.name}`}
                  >
                    {t("editInstrument")}
                  </Link>
                )}
              </div>
              <p className="meta">
                <span>
                  {t("code")}: <code>{i.code}</code>
                </span>
                <span>
                  {t("scale")}: {i.scale.min}–{i.scale.max}
                </span>
                <span>
                  {t("minCycles")}: {i.min_cycles}
                </span>
                <span>{i.builtin ? t("builtin") : t("own")}</span>
                {i.in_use && <span>{t("inUse")}</span>}
              </p>
              {i.description && <p className="obs-small">{i.description}</p>}
              <ul className="obs-instrument-domains">
                {i.domains.map((d) => (
                  <li key={d.code}>
                    <strong>
                      {d.name} ({d.code})
                    </strong>
                    <ul>
                      {d.dimensions.map((m) => (
                        <li key={m.code}>
                          {m.name} ({m.code}){m.reverse && <span className="obs-reverse"> ↓ {t("reverse")}</span>}
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
              {isClass(i.code) && <ClassNotice />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Field({
  label,
  name,
  errors,
  children,
}: {
  label: string;
  name: string;
  errors: Record<string, string>;
  children: ReactNode;
}) {
  return (
    <label>
      {label}
      {children}
      <FieldError errors={errors} name={name} alert={false} />
    </label>
  );
}

export function InstrumentFormPage() {
  const { networkId = "", instrumentId } = useParams();
  const t = useT();
  const navigate = useNavigate();
  const membership = useMembership(networkId);
  const [current, setCurrent] = useState<Instrument | null>(null);
  // The ETag the instrument was read with (sent back in If-Match), and one Idempotency-Key per new instrument.
  const [etag, setEtag] = useState<string | null>(null);
  const [createKey, setCreateKey] = useState(uuid4);
  const [form, setForm] = useState<InstrumentForm | null>(instrumentId ? null : emptyForm());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [detail, setDetail] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!instrumentId) return;
    let cancelled = false;
    api
      .GET("/api/v1/instruments/{instrument_id}", { params: { path: { instrument_id: instrumentId } } })
      .then((result) => {
        const found = unwrap(result);
        if (cancelled) return;
        setEtag(result.response.headers.get("ETag"));
        setCurrent(found);
        setForm(formOf(found));
      })
      .catch((err) => !cancelled && setDetail(err instanceof ApiError ? err.problem.detail : String(err)));
    return () => {
      cancelled = true;
    };
  }, [instrumentId]);

  if (membership && membership.role !== "coordinator") {
    return (
      <p className="alert" role="alert">
        {t("coordinatorsOnly")}
      </p>
    );
  }
  if (!form)
    return detail ? (
      <p className="alert" role="alert">
        {detail}
      </p>
    ) : (
      <Loading />
    );

  const update = (patch: Partial<InstrumentForm>) => setForm({ ...form, ...patch });
  const setDomain = (index: number, patch: Partial<DomainForm>) =>
    update({ domains: form.domains.map((d, i) => (i === index ? { ...d, ...patch } : d)) });
  const setDimension = (di: number, mi: number, patch: Partial<DimensionForm>) =>
    setDomain(di, { dimensions: form.domains[di].dimensions.map((m, i) => (i === mi ? { ...m, ...patch } : m)) });

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setDetail("");
    const list = `/redes/${networkId}/instrumentos`;
    try {
      if (!current) {
        const body: InstrumentCreate = { ...bodyOf(form), code: form.code.trim(), network_id: networkId };
        const answer = await api.POST("/api/v1/instruments", { body, headers: { "Idempotency-Key": createKey } });
        if (answer.response.status < 500 && answer.response.status !== 409) setCreateKey(uuid4()); // decided: a new key next
        const created = unwrap(answer);
        navigate(list, {
          state: { message: t("instrumentCreated", { name: created.name, version: created.version }) },
        });
        return;
      }
      const result = await api.PUT("/api/v1/instruments/{instrument_id}", {
        params: { path: { instrument_id: current.id } },
        body: bodyOf(form),
        headers: etag ? { "If-Match": etag } : {},
      });
      const saved = unwrap(result);
      const message =
        result.response.status === 201
          ? t("instrumentNewVersion", { version: saved.version, code: saved.code, previous: current.version })
          : t("instrumentUpdated", { name: saved.name, version: saved.version });
      navigate(list, { state: { message } });
    } catch (err) {
      if (err instanceof ApiError) {
        setDetail(err.problem.detail);
        setErrors(err.fieldErrors());
      } else {
        setDetail(String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  const fe = (name: string) => <FieldError errors={errors} name={name} alert={false} />;
  const body = (
    <>
      <div className="obs-header-fields">
        <Field label={t("code")} name="code" errors={errors}>
          <input
            value={form.code}
            disabled={Boolean(current)}
            aria-invalid={Boolean(errors.code)}
            placeholder="pauta-lectura"
            onChange={(e) => update({ code: e.target.value })}
          />
        </Field>
        <Field label={t("name")} name="name" errors={errors}>
          <input
            value={form.name}
            aria-invalid={Boolean(errors.name)}
            onChange={(e) => update({ name: e.target.value })}
          />
        </Field>
        <Field label={t("scaleMin")} name="scale.min" errors={errors}>
          <input
            inputMode="numeric"
            value={form.scaleMin}
            aria-invalid={Boolean(errors["scale.min"] || errors.scale)}
            onChange={(e) => update({ scaleMin: e.target.value })}
          />
        </Field>
        <Field label={t("scaleMax")} name="scale.max" errors={errors}>
          <input
            inputMode="numeric"
            value={form.scaleMax}
            aria-invalid={Boolean(errors["scale.max"] || errors.scale)}
            onChange={(e) => update({ scaleMax: e.target.value })}
          />
        </Field>
        <Field label={t("minCycles")} name="min_cycles" errors={errors}>
          <input
            inputMode="numeric"
            value={form.minCycles}
            aria-invalid={Boolean(errors.min_cycles)}
            onChange={(e) => update({ minCycles: e.target.value })}
          />
        </Field>
      </div>
      {fe("scale")}
      <Field label={t("description")} name="description" errors={errors}>
        <textarea rows={3} value={form.description} onChange={(e) => update({ description: e.target.value })} />
      </Field>
      {fe("domains")}
      {form.domains.map((d, di) => (
        <fieldset key={d.key} className="obs-domain obs-instrument-domain" data-testid={`domain-${di}`}>
          <legend>{t("domainN", { n: di + 1 })}</legend>
          <div className="obs-instrument-row">
            <Field label={t("domainCode")} name={`domains[${di}].code`} errors={errors}>
              <input
                value={d.code}
                aria-invalid={Boolean(errors[`domains[${di}].code`])}
                onChange={(e) => setDomain(di, { code: e.target.value })}
              />
            </Field>
            <Field label={t("domainName")} name={`domains[${di}].name`} errors={errors}>
              <input
                value={d.name}
                aria-invalid={Boolean(errors[`domains[${di}].name`])}
                onChange={(e) => setDomain(di, { name: e.target.value })}
              />
            </Field>
            <Field label={t("order")} name={`domains[${di}].order`} errors={errors}>
              <input
                inputMode="numeric"
                className="obs-narrow"
                value={d.order}
                aria-invalid={Boolean(errors[`domains[${di}].order`])}
                onChange={(e) => setDomain(di, { order: e.target.value })}
              />
            </Field>
            {form.domains.length > 1 && (
              <button
                type="button"
                className="secondary"
                onClick={() => update({ domains: form.domains.filter((_, i) => i !== di) })}
              >
                {t("removeDomain")}
              </button>
            )}
          </div>
          {fe(`domains[${di}].dimensions`)}
          {d.dimensions.map((m, mi) => {
            const path = `domains[${di}].dimensions[${mi}]`;
            return (
              <div
                key={m.key}
                className="obs-instrument-row obs-instrument-dimension"
                data-testid={`dimension-${di}-${mi}`}
              >
                <Field label={t("dimensionCode")} name={`${path}.code`} errors={errors}>
                  <input
                    className="obs-narrow"
                    value={m.code}
                    aria-invalid={Boolean(errors[`${path}.code`])}
                    onChange={(e) => setDimension(di, mi, { code: e.target.value })}
                  />
                </Field>
                <Field label={t("dimensionName")} name={`${path}.name`} errors={errors}>
                  <input
                    value={m.name}
                    aria-invalid={Boolean(errors[`${path}.name`])}
                    onChange={(e) => setDimension(di, mi, { name: e.target.value })}
                  />
                </Field>
                <Field label={t("nameEn")} name={`${path}.name_en`} errors={errors}>
                  <input value={m.name_en} onChange={(e) => setDimension(di, mi, { name_en: e.target.value })} />
                </Field>
                <Field label={t("order")} name={`${path}.order`} errors={errors}>
                  <input
                    inputMode="numeric"
                    className="obs-narrow"
                    value={m.order}
                    aria-invalid={Boolean(errors[`${path}.order`])}
                    onChange={(e) => setDimension(di, mi, { order: e.target.value })}
                  />
                </Field>
                <label className="obs-check">
                  <input
                    type="checkbox"
                    checked={m.reverse}
                    onChange={(e) => setDimension(di, mi, { reverse: e.target.checked })}
                  />
                  {t("reverseHint")}
                </label>
                {d.dimensions.length > 1 && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => setDomain(di, { dimensions: d.dimensions.filter((_, i) => i !== mi) })}
                  >
                    {t("removeDimension")}
                  </button>
                )}
              </div>
            );
          })}
          <button
            type="button"
            className="secondary"
            onClick={() => setDomain(di, { dimensions: [...d.dimensions, emptyDimension(nextDimensionOrder(form))] })}
          >
            + {t("addDimension")}
          </button>
        </fieldset>
      ))}
      <p>
        <button
          type="button"
          className="secondary"
          onClick={() =>
            update({
              domains: [
                ...form.domains,
                {
                  key: newKey(),
                  code: "",
                  name: "",
                  order: String(Math.max(0, ...form.domains.map((d) => Number(d.order) || 0)) + 1),
                  dimensions: [emptyDimension(nextDimensionOrder(form))],
                },
              ],
            })
          }
        >
          + {t("addDomain")}
        </button>
      </p>
    </>
  );
  const rest = Object.entries(errors).filter(([key]) => !shownKeys(form).has(key));

  return (
    <section className="obs-instrument-form">
      <p>
        <Link to={`/redes/${networkId}/instrumentos`}>← {t("instrumentsTitle")}</Link>
      </p>
      <h1>{current ? `${t("editInstrument")}: ${current.name} (v${current.version})` : t("newInstrument")}</h1>
      {current?.in_use && (
        <p className="notice" data-testid="will-version">
          {t("editWillVersion", { next: current.version + 1 })}
        </p>
      )}
      <form onSubmit={(e) => void save(e)} noValidate data-testid="instrument-form">
        {body}
        {detail && <ErrorSummary detail={detail} rest={rest} t={t} />}
        <div className="obs-actions">
          <button type="submit" disabled={busy}>
            {busy ? t("saving") : t("saveInstrument")}
          </button>
          <Link className="button secondary" to={`/redes/${networkId}/instrumentos`}>
            {t("cancel")}
          </Link>
        </div>
      </form>
    </section>
  );
}

function ErrorSummary({ detail, rest, t }: { detail: string; rest: [string, string][]; t: T }) {
  return (
    <div className="alert" role="alert" data-testid="form-errors">
      {detail}
      {rest.length > 0 ? (
        <ul>
          {rest.map(([key, message]) => (
            <li key={key}>
              {key}: {message}
            </li>
          ))}
        </ul>
      ) : (
        <> {t("formErrors")}</>
      )}
    </div>
  );
}
