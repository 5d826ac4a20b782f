// Corrections (amendments) of a submitted observation: the form (observer or coordinator) and the history.
// A submitted observation never changes in place: `POST /api/v1/observations/{id}/amendments` stores the values
// before and after with a mandatory reason, so the original stays readable here.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { api, ApiError, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { LEVEL_NAMES, LEVELS, personName, useT, type Instrument, type Person } from "./common";
import { uuid4 } from "./EntryPage";

type Observation = components["schemas"]["ObservationRead"];
type Amendment = components["schemas"]["AmendmentRead"];
type AmendmentCreate = components["schemas"]["AmendmentCreate"];
type CycleRead = Observation["cycles"][number];
type T = ReturnType<typeof useT>;

/** The instrument an observation used (names and scale for the correction form). */
export function useInstrument(instrumentId: string | undefined): Instrument | null {
  const [instrument, setInstrument] = useState<Instrument | null>(null);
  useEffect(() => {
    if (!instrumentId) return;
    let cancelled = false;
    api
      .GET("/api/v1/instruments/{instrument_id}", { params: { path: { instrument_id: instrumentId } } })
      .then((result) => !cancelled && setInstrument(unwrap(result)))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [instrumentId]);
  return instrument;
}

function dimensionsOf(instrument: Instrument) {
  return instrument.domains.flatMap((d) => d.dimensions);
}

export function AmendmentForm({
  observation,
  instrument,
  onSaved,
  onCancel,
}: {
  observation: Observation;
  instrument: Instrument;
  onSaved: (amendment: Amendment) => void;
  onCancel: () => void;
}) {
  const t = useT();
  // A client-chosen id: a retry after a dropped answer returns the same amendment instead of a second one.
  const [id, setId] = useState(uuid4);
  const [cycles, setCycles] = useState<CycleRead[]>(() =>
    observation.cycles.map((c) => ({ ...c, scores: { ...c.scores } })),
  );
  const [evidence, setEvidence] = useState<Record<string, string>>(() => ({ ...observation.evidence }));
  const [level, setLevel] = useState(observation.level);
  const [observedOn, setObservedOn] = useState(observation.observed_on);
  const [mode, setMode] = useState(observation.mode);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [detail, setDetail] = useState("");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const dims = dimensionsOf(instrument);
  const scale = Array.from(
    { length: instrument.scale.max - instrument.scale.min + 1 },
    (_, k) => instrument.scale.min + k,
  );

  const body = useMemo<AmendmentCreate>(() => {
    const out: AmendmentCreate = { id, reason };
    if (level !== observation.level) out.level = level as AmendmentCreate["level"];
    if (observedOn !== observation.observed_on) out.observed_on = observedOn;
    if (mode !== observation.mode) out.mode = mode as AmendmentCreate["mode"];
    const cyclesChanged = cycles.some((c, i) =>
      dims.some((d) => (c.scores[d.code] ?? null) !== (observation.cycles[i]?.scores[d.code] ?? null)),
    );
    if (cyclesChanged) {
      out.cycles = cycles.map((c) => ({
        number: c.number,
        started_at: c.started_at,
        duration_minutes: c.duration_minutes,
        scores: c.scores,
        notes: c.notes,
      }));
    }
    const cleaned = Object.fromEntries(Object.entries(evidence).filter(([, text]) => text.trim() !== ""));
    const before = observation.evidence;
    const evidenceChanged =
      Object.keys(cleaned).length !== Object.keys(before).length ||
      Object.entries(cleaned).some(([k, v]) => before[k] !== v);
    if (evidenceChanged) out.evidence = cleaned;
    return out;
  }, [id, reason, level, observedOn, mode, cycles, evidence, observation, dims]);

  const changed = Object.keys(body).some((k) => !["id", "reason"].includes(k));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setDetail("");
    setFieldErrors({});
    if (!changed) {
      setDetail(t("amendNoChanges"));
      return;
    }
    setBusy(true);
    try {
      const saved = unwrap(
        await api.POST("/api/v1/observations/{observation_id}/amendments", {
          params: { path: { observation_id: observation.id } },
          body,
          // The observation's ETag (it changes with the amendment); the amendment's own id doubles as the key.
          headers: { "If-Match": `"${observation.revision}"`, "Idempotency-Key": id },
        }),
      );
      setId(uuid4());
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError) {
        setDetail(err.problem.detail);
        setFieldErrors(err.fieldErrors());
      } else {
        setDetail(String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  const setScore = (index: number, code: string, value: string) =>
    setCycles((all) =>
      all.map((c, i) => (i === index ? { ...c, scores: { ...c.scores, [code]: value ? Number(value) : null } } : c)),
    );

  const shown = new Set<string>();
  const errorFor = (key: string) => {
    const message = fieldErrors[key];
    if (!message) return null;
    shown.add(key);
    return (
      <span className="field-error" id={`${key}-error`}>
        {message}
      </span>
    );
  };

  const grid = (
    <div className="obs-table-wrap">
      <table className="obs-amend-grid">
        <thead>
          <tr>
            <th>{t("dimension")}</th>
            {cycles.map((c) => (
              <th key={c.number}>{t("cycle", { n: c.number })}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {dims.map((d) => (
            <tr key={d.code}>
              <td>
                {d.name} ({d.code})
              </td>
              {cycles.map((c, i) => {
                const key = `cycles[${i}].scores.${d.code}`;
                const original = observation.cycles[i]?.scores[d.code] ?? null;
                const value = c.scores[d.code] ?? null;
                return (
                  <td key={c.number} className={value !== original ? "obs-amend-changed" : undefined}>
                    <select
                      aria-label={t("amendScoreOf", { code: d.code, n: c.number })}
                      value={value ?? ""}
                      aria-invalid={Boolean(fieldErrors[key])}
                      onChange={(e) => setScore(i, d.code, e.target.value)}
                    >
                      <option value="">—</option>
                      {scale.map((n) => (
                        <option key={n} value={n}>
                          {n}
                        </option>
                      ))}
                    </select>
                    {errorFor(key)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

  const evidenceFields = dims.map((d) => (
    <label key={d.code}>
      {t("evidenceFor", { name: `${d.name} (${d.code})` })}
      <textarea
        rows={2}
        value={evidence[d.code] ?? ""}
        aria-invalid={Boolean(fieldErrors[`evidence.${d.code}`])}
        onChange={(e) => setEvidence((all) => ({ ...all, [d.code]: e.target.value }))}
      />
      {errorFor(`evidence.${d.code}`)}
    </label>
  ));

  const header = (
    <div className="obs-header-fields">
      <label>
        {t("level")}
        <select value={level} onChange={(e) => setLevel(e.target.value)}>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {LEVEL_NAMES[l]}
            </option>
          ))}
        </select>
        {errorFor("level")}
      </label>
      <label>
        {t("observedOn")}
        <input type="date" value={observedOn} onChange={(e) => setObservedOn(e.target.value)} />
        {errorFor("observed_on")}
      </label>
      <label>
        {t("mode")}
        <select value={mode} onChange={(e) => setMode(e.target.value)}>
          <option value="live">{t("mode_live")}</option>
          <option value="video">{t("mode_video")}</option>
        </select>
        {errorFor("mode")}
      </label>
    </div>
  );

  const reasonField = (
    <label>
      {t("amendReason")}
      <textarea
        rows={3}
        value={reason}
        required
        aria-invalid={Boolean(fieldErrors.reason)}
        aria-describedby={fieldErrors.reason ? "reason-error" : undefined}
        onChange={(e) => setReason(e.target.value)}
      />
      {errorFor("reason")}
    </label>
  );

  const rest = Object.entries(fieldErrors).filter(([key]) => !shown.has(key));

  return (
    <form className="card obs-amend-form" data-testid="amendment-form" onSubmit={(e) => void save(e)} noValidate>
      <h2>{t("amendTitle")}</h2>
      <p className="muted">{t("amendIntro")}</p>
      {header}
      <h3>{t("cycleScores")}</h3>
      {grid}
      <details className="obs-evidence">
        <summary>{t("evidence")}</summary>
        {evidenceFields}
      </details>
      {reasonField}
      {detail && (
        <div className="alert" role="alert">
          {detail}
          {rest.length > 0 && (
            <ul>
              {rest.map(([key, message]) => (
                <li key={key}>
                  {key}: {message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="obs-actions">
        <button type="submit" disabled={busy}>
          {busy ? t("amendSaving") : t("amendSave")}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          {t("amendCancel")}
        </button>
      </div>
    </form>
  );
}

interface ChangeRow {
  key: string;
  what: string;
  before: string;
  after: string;
}

function text(value: unknown, t: T): string {
  if (value === null || value === undefined || value === "") return t("empty");
  return String(value);
}

/** The changes of one amendment, one row per changed value (a score, an evidence text, a header field). */
export function changeRows(amendment: Amendment, t: T): ChangeRow[] {
  const rows: ChangeRow[] = [];
  for (const field of amendment.changed_fields) {
    const before = amendment.before[field];
    const after = amendment.after[field];
    if (field === "cycles") {
      const oldCycles = (before ?? []) as CycleRead[];
      const newCycles = (after ?? []) as CycleRead[];
      const numbers = [...new Set([...oldCycles, ...newCycles].map((c) => c.number))].sort((a, b) => a - b);
      for (const n of numbers) {
        const o = oldCycles.find((c) => c.number === n);
        const a = newCycles.find((c) => c.number === n);
        const codes = [...new Set([...Object.keys(o?.scores ?? {}), ...Object.keys(a?.scores ?? {})])].sort();
        for (const code of codes) {
          const x = o?.scores[code] ?? null;
          const y = a?.scores[code] ?? null;
          if (x !== y)
            rows.push({
              key: `c${n}-${code}`,
              what: `${t("cycle", { n })} · ${code}`,
              before: text(x, t),
              after: text(y, t),
            });
        }
        if ((o?.notes ?? "") !== (a?.notes ?? "")) {
          rows.push({
            key: `c${n}-notes`,
            what: `${t("cycle", { n })} · ${t("notes")}`,
            before: text(o?.notes, t),
            after: text(a?.notes, t),
          });
        }
      }
    } else if (field === "evidence") {
      const o = (before ?? {}) as Record<string, string>;
      const a = (after ?? {}) as Record<string, string>;
      for (const code of [...new Set([...Object.keys(o), ...Object.keys(a)])].sort()) {
        if (o[code] !== a[code])
          rows.push({
            key: `e-${code}`,
            what: `${t("field_evidence")} · ${code}`,
            before: text(o[code], t),
            after: text(a[code], t),
          });
      }
    } else {
      const show = (v: unknown) =>
        field === "level"
          ? (LEVEL_NAMES[String(v)] ?? text(v, t))
          : field === "mode"
            ? t(`mode_${v === "video" ? "video" : "live"}`)
            : text(v, t);
      rows.push({ key: field, what: t(`field_${field}` as "field_level"), before: show(before), after: show(after) });
    }
  }
  return rows;
}

/** Amendment history: who, when, reason and every value before → after. */
export function AmendmentHistory({ amendments, byId }: { amendments: Amendment[]; byId: Map<string, Person> }) {
  const t = useT();
  const { language } = useI18n();
  return (
    <ol className="obs-amendments" data-testid="amendment-history">
      {amendments.map((a) => (
        <li key={a.id} className="card">
          <h3>{t("amendmentHeading", { n: a.number })}</h3>
          <p className="meta">
            {t("amendmentMeta", {
              who: a.amended_by ? personName(byId, a.amended_by, t) : "—",
              when: formatDateTime(a.created_at, language),
            })}
          </p>
          <p>
            <strong>{t("amendmentReasonLabel")}:</strong> {a.reason}
          </p>
          <table className="obs-amend-changes">
            <thead>
              <tr>
                <th>{t("change")}</th>
                <th>{t("before")}</th>
                <th>{t("after")}</th>
              </tr>
            </thead>
            <tbody>
              {changeRows(a, t).map((row) => (
                <tr key={row.key}>
                  <td>{row.what}</td>
                  <td className="obs-before">{row.before}</td>
                  <td>
                    → <strong>{row.after}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </li>
      ))}
    </ol>
  );
}

/** The observation as submitted: each amended field takes the value before its first amendment. */
export function originalOf(observation: Observation, amendments: Amendment[]): Observation {
  const original: Record<string, unknown> = { ...observation };
  const seen = new Set<string>();
  for (const a of [...amendments].sort((x, y) => x.number - y.number)) {
    for (const field of a.changed_fields) {
      if (seen.has(field)) continue;
      seen.add(field);
      original[field] = a.before[field];
    }
  }
  return original as unknown as Observation;
}
