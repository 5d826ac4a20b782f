// Observation entry on a tablet in the classroom: teacher and instrument, then cycle by cycle a grid of large
// 1–7 buttons per dimension, a timer per cycle, notes and evidence. Every touch is saved on the device first
// (offline.ts) and sent with the idempotent PUT whenever there is a connection.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { Loading } from "../../components/Layout";
import {
  ClassNotice,
  defaultWave,
  isClass,
  LEVEL_NAMES,
  LEVELS,
  RECORDING_ROLES,
  todayInSantiago,
  useInstruments,
  useMembership,
  usePeople,
  useSchools,
  useT,
  type Instrument,
} from "./common";
import { ConflictDialog } from "./ConflictDialog";
import {
  etagOf,
  hasUnsentChanges,
  loadLocal,
  requestSubmit,
  saveLocal,
  useSyncQueue,
  type CycleIn,
  type LocalDraft,
  type ObservationWrite,
  type SyncState,
  writeOf,
} from "./offline";

/** A random UUID v4, also where crypto.randomUUID is missing (plain http on a school network). */
export function uuid4(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function headerComplete(body: ObservationWrite): boolean {
  return Boolean(
    body.teacher_id && body.school_id && body.instrument_id && body.level && body.observed_on && body.wave,
  );
}

function emptyDraft(id: string, networkId: string): LocalDraft {
  const today = todayInSantiago();
  return {
    id,
    body: {
      instrument_id: "",
      network_id: networkId,
      school_id: "",
      teacher_id: "",
      level: "kinder",
      observed_on: today,
      wave: defaultWave(today),
      mode: "live",
      cycles: [{ number: 1, scores: {}, notes: "", started_at: null, duration_minutes: null }],
      evidence: {},
    },
    version: 0,
    syncedVersion: 0,
    updatedAt: new Date().toISOString(),
    timers: {},
  };
}

function fromServer(body: ObservationWrite, id: string, etag: string | null): LocalDraft {
  return {
    id,
    body,
    etag,
    version: 1,
    syncedVersion: 1,
    updatedAt: new Date().toISOString(),
    timers: {},
  };
}

function elapsed(timer: { runningSince: number | null; elapsedMs: number } | undefined, now: number): number {
  if (!timer) return 0;
  return timer.elapsedMs + (timer.runningSince ? now - timer.runningSince : 0);
}

function clock(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

export function ObservationEntryPage() {
  const { networkId = "", observationId } = useParams();
  const navigate = useNavigate();
  const t = useT();
  const membership = useMembership(networkId);
  const { people } = usePeople(networkId);
  const schools = useSchools(networkId);
  const instruments = useInstruments(networkId);
  const { online, syncing, syncNow } = useSyncQueue(networkId);
  const [draft, setDraft] = useState<LocalDraft | null>(null);
  const draftRef = useRef<LocalDraft | null>(null);
  const [cycleIndex, setCycleIndex] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [submitting, setSubmitting] = useState(false);
  const syncTimer = useRef<number | undefined>(undefined);
  const leaving = useRef(false);

  /** Once submitted (now or by the queue when the connection returned), the detail page shows the scores. */
  const goToDetail = useCallback(
    (id: string) => {
      if (leaving.current) return;
      leaving.current = true;
      navigate(`/redes/${networkId}/observaciones/${id}`, { replace: true });
    },
    [navigate, networkId],
  );

  useEffect(() => {
    if (!observationId) navigate(`/redes/${networkId}/observaciones/${uuid4()}/registro`, { replace: true });
  }, [observationId, networkId, navigate]);

  // The local copy wins (it may hold changes not yet sent); else the server's draft; else a new one.
  useEffect(() => {
    if (!observationId) return;
    const local = loadLocal(observationId);
    if (local) {
      draftRef.current = local;
      setDraft(local);
      return;
    }
    let cancelled = false;
    api
      .GET("/api/v1/observations/{observation_id}", { params: { path: { observation_id: observationId } } })
      .then((result) => {
        if (cancelled) return;
        const observation = unwrap(result);
        if (observation.status === "submitted") {
          navigate(`/redes/${networkId}/observaciones/${observationId}`, { replace: true });
          return;
        }
        const loaded = fromServer(writeOf(observation), observationId, etagOf(result.response, observation));
        draftRef.current = loaded;
        setDraft(loaded);
      })
      .catch(() => {
        if (cancelled) return;
        const fresh = emptyDraft(observationId, networkId);
        draftRef.current = fresh;
        setDraft(fresh);
      });
    return () => {
      cancelled = true;
    };
  }, [observationId, networkId, navigate]);

  // Keep the view in step with the queue (a sync in the background marks the draft as sent, a queued submit as
  // submitted — the local copy is then pruned — or lists the gaps the server found).
  useEffect(() => {
    const refresh = () => {
      if (!observationId) return;
      const local = loadLocal(observationId);
      const shown = draftRef.current;
      if (
        shown?.submitRequested &&
        (!local || local.serverStatus === "submitted") &&
        !hasUnsentChanges(local ?? shown)
      ) {
        goToDetail(observationId);
        return;
      }
      if (local && shown && local.version === shown.version) {
        draftRef.current = local;
        setDraft(local);
      }
    };
    window.addEventListener("mejora:observations-queue", refresh);
    return () => window.removeEventListener("mejora:observations-queue", refresh);
  }, [observationId, goToDetail]);

  const anyTimerRunning = Boolean(draft && Object.values(draft.timers).some((tm) => tm.runningSince));
  useEffect(() => {
    if (!anyTimerRunning) return;
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, [anyTimerRunning]);

  const change = useCallback(
    (edit: (body: ObservationWrite, draft: LocalDraft) => Partial<LocalDraft> | ObservationWrite) => {
      const current = draftRef.current;
      if (!current) return;
      const result = edit(current.body, current);
      const patch: Partial<LocalDraft> = "network_id" in result ? { body: result as ObservationWrite } : result;
      const next: LocalDraft = {
        ...current,
        ...patch,
        version: current.version + 1,
        updatedAt: new Date().toISOString(),
        lastError: null,
        // An edit after "Enviar" cancels the queued submit (the coach presses "Enviar" again) and clears old gaps.
        submitRequested: false,
        submitGaps: null,
      };
      draftRef.current = next;
      setDraft(next);
      if (headerComplete(next.body)) {
        saveLocal(next);
        window.clearTimeout(syncTimer.current);
        syncTimer.current = window.setTimeout(syncNow, 600);
      }
    },
    [syncNow],
  );

  const instrumentId = draft?.body.instrument_id;
  const instrument: Instrument | undefined = useMemo(
    () => instruments.find((i) => i.id === instrumentId),
    [instruments, instrumentId],
  );

  // A new observation starts with the CLASS Pre-K/K–3 structure when it is available.
  useEffect(() => {
    if (!draft || draft.body.instrument_id || instruments.length === 0) return;
    const preferred = instruments.find((i) => i.code === "class-prek-k3") ?? instruments[0];
    draftRef.current = { ...draft, body: { ...draft.body, instrument_id: preferred.id } };
    setDraft(draftRef.current);
  }, [draft, instruments]);

  if (!observationId || !draft) return <Loading />;
  if (membership && !RECORDING_ROLES.includes(membership.role)) {
    return (
      <p className="alert" role="alert">
        {t("noAccess")}
      </p>
    );
  }

  const body = draft.body;
  const teachers = people.filter((p) => p.role === "teacher").sort((a, b) => a.name.localeCompare(b.name, "es"));
  const teacher = people.find((p) => p.id === body.teacher_id);
  const cycles = body.cycles ?? [];
  const cycle = cycles[Math.min(cycleIndex, cycles.length - 1)];
  const fieldErrors = draft.lastError?.fields ?? {};
  const ready = headerComplete(body);

  let state: SyncState = "local";
  if (draft.conflict) state = "conflict";
  else if (draft.lastError) state = "error";
  else if (ready && draft.submitRequested) state = "submitPending";
  else if (ready && hasUnsentChanges(draft)) state = online && syncing ? "syncing" : "pending";
  else if (ready && draft.syncedVersion > 0) state = "synced";

  const setCycle = (index: number, edit: (c: CycleIn) => CycleIn) =>
    change((b) => ({ ...b, cycles: (b.cycles ?? []).map((c, i) => (i === index ? edit(c) : c)) }));

  const score = (code: string, value: number) =>
    setCycle(cycleIndex, (c) => {
      const scores = { ...(c.scores ?? {}) };
      scores[code] = scores[code] === value ? null : value;
      return { ...c, scores };
    });

  const addCycle = () => {
    const number = Math.max(0, ...cycles.map((c) => c.number)) + 1;
    change((b) => ({
      ...b,
      cycles: [...(b.cycles ?? []), { number, scores: {}, notes: "", started_at: null, duration_minutes: null }],
    }));
    setCycleIndex(cycles.length);
  };

  const removeCycle = () => {
    if (cycles.length <= 1) return;
    change((b) => ({
      ...b,
      cycles: (b.cycles ?? []).filter((_, i) => i !== cycleIndex).map((c, i) => ({ ...c, number: i + 1 })),
    }));
    setCycleIndex(Math.max(0, cycleIndex - 1));
  };

  const toggleTimer = () => {
    const key = String(cycle.number);
    change((b, d) => {
      const timer = d.timers[key] ?? { runningSince: null, elapsedMs: 0 };
      const stamp = Date.now();
      if (timer.runningSince) {
        const total = timer.elapsedMs + stamp - timer.runningSince;
        return {
          body: {
            ...b,
            cycles: (b.cycles ?? []).map((c) =>
              c.number === cycle.number ? { ...c, duration_minutes: Math.max(1, Math.round(total / 60000)) } : c,
            ),
          },
          timers: { ...d.timers, [key]: { runningSince: null, elapsedMs: total } },
        };
      }
      return {
        body: {
          ...b,
          cycles: (b.cycles ?? []).map((c) =>
            c.number === cycle.number && !c.started_at ? { ...c, started_at: new Date(stamp).toISOString() } : c,
          ),
        },
        timers: { ...d.timers, [key]: { runningSince: stamp, elapsedMs: timer.elapsedMs } },
      };
    });
  };

  /**
   * "Enviar": the submit is queued on the device after the draft (offline.ts) and sent now if there is a
   * connection, else when it returns ("Envío pendiente"). Gaps found by the server are kept on the draft.
   */
  const submit = async () => {
    const current = draftRef.current;
    if (!current || !headerComplete(current.body)) return;
    setSubmitting(true);
    try {
      await requestSubmit(current);
      const after = loadLocal(current.id);
      if (!after || (after.serverStatus === "submitted" && !after.submitRequested && !hasUnsentChanges(after))) {
        goToDetail(current.id);
        return;
      }
      if (draftRef.current && after.version === draftRef.current.version) {
        draftRef.current = after;
        setDraft(after);
      }
    } finally {
      setSubmitting(false);
    }
  };

  const gaps = draft.submitGaps ?? null;
  const gapCycles = new Set(
    (gaps ?? []).map((g) => /^cycles\[(\d+)\]/.exec(g.field)?.[1]).filter((x): x is string => x !== undefined),
  );
  const timer = cycle ? draft.timers[String(cycle.number)] : undefined;

  return (
    <section className="obs-entry">
      <p>
        <Link to={`/redes/${networkId}/observaciones`}>← {t("observationsTitle")}</Link>
      </p>
      <div className="obs-entry-head">
        <h1>{t("newObservation")}</h1>
        <span className={`obs-sync obs-sync-${state}`} data-testid="sync-status" role="status" aria-live="polite">
          {t(`sync_${state}`)}
        </span>
      </div>
      {!online && (
        <p className="notice" data-testid="offline-notice">
          {t("offline")}
        </p>
      )}
      {draft.lastError && (
        <p className="alert" role="alert">
          {draft.lastError.detail}
        </p>
      )}
      <ConflictDialog
        draft={draft}
        onResolved={(next) => {
          draftRef.current = next;
          setDraft(next);
          if (next.serverStatus === "submitted") goToDetail(next.id);
          else syncNow();
        }}
      />

      <div className="card obs-header-fields">
        <label>
          {t("teacher")}
          <select
            value={body.teacher_id}
            aria-invalid={Boolean(fieldErrors.teacher_id)}
            onChange={(e) => {
              const person = people.find((p) => p.id === e.target.value);
              change((b) => ({
                ...b,
                teacher_id: e.target.value,
                school_id: person?.school_id ?? b.school_id,
                level: (person?.levels?.[0] as ObservationWrite["level"]) ?? b.level,
              }));
            }}
          >
            <option value="">{t("chooseTeacher")}</option>
            {teachers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {p.school_id && schools.get(p.school_id) ? ` — ${schools.get(p.school_id)?.name}` : ""}
              </option>
            ))}
          </select>
          {fieldErrors.teacher_id && <span className="field-error">{fieldErrors.teacher_id}</span>}
        </label>
        <label>
          {t("school")}
          <select
            value={body.school_id}
            aria-invalid={Boolean(fieldErrors.school_id)}
            onChange={(e) => change((b) => ({ ...b, school_id: e.target.value }))}
            disabled={Boolean(teacher?.school_id)}
          >
            <option value="">—</option>
            {[...schools.values()].map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} (RBD {s.rbd})
              </option>
            ))}
          </select>
          {fieldErrors.school_id && <span className="field-error">{fieldErrors.school_id}</span>}
        </label>
        <label>
          {t("instrument")}
          <select
            value={body.instrument_id}
            aria-invalid={Boolean(fieldErrors.instrument_id)}
            onChange={(e) => change((b) => ({ ...b, instrument_id: e.target.value }))}
          >
            {instruments.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name} (v{i.version})
              </option>
            ))}
          </select>
          {fieldErrors.instrument_id && <span className="field-error">{fieldErrors.instrument_id}</span>}
        </label>
        <label>
          {t("level")}
          <select
            value={body.level}
            onChange={(e) => change((b) => ({ ...b, level: e.target.value as ObservationWrite["level"] }))}
          >
            {LEVELS.map((level) => (
              <option key={level} value={level}>
                {LEVEL_NAMES[level]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("observedOn")}
          <input
            type="date"
            value={body.observed_on}
            onChange={(e) => change((b) => ({ ...b, observed_on: e.target.value }))}
          />
        </label>
        <label>
          {t("wave")}
          <input value={body.wave} onChange={(e) => change((b) => ({ ...b, wave: e.target.value }))} />
          {fieldErrors.wave && <span className="field-error">{fieldErrors.wave}</span>}
        </label>
        <label>
          {t("mode")}
          <select
            value={body.mode ?? "live"}
            onChange={(e) => change((b) => ({ ...b, mode: e.target.value as ObservationWrite["mode"] }))}
          >
            <option value="live">{t("mode_live")}</option>
            <option value="video">{t("mode_video")}</option>
          </select>
        </label>
        <label>
          {t("doubleCodes")}
          <input
            value={body.double_codes_id ?? ""}
            placeholder={t("none")}
            aria-invalid={Boolean(fieldErrors.double_codes_id)}
            onChange={(e) => change((b) => ({ ...b, double_codes_id: e.target.value.trim() || null }))}
          />
          {fieldErrors.double_codes_id && <span className="field-error">{fieldErrors.double_codes_id}</span>}
        </label>
      </div>

      {!ready || !instrument ? (
        <p className="empty">{t("chooseFirst")}</p>
      ) : (
        <>
          <div className="obs-cycle-tabs" role="tablist" aria-label={t("cycles")}>
            {cycles.map((c, index) => (
              <button
                key={c.number}
                type="button"
                role="tab"
                aria-selected={index === cycleIndex}
                className={`${index === cycleIndex ? "" : "secondary"} ${gapCycles.has(String(index)) ? "obs-tab-gap" : ""}`}
                onClick={() => setCycleIndex(index)}
              >
                {t("cycle", { n: c.number })}
              </button>
            ))}
            <button type="button" className="secondary" onClick={addCycle}>
              + {t("addCycle")}
            </button>
          </div>

          {cycle && (
            <div className="card obs-cycle" role="tabpanel" aria-label={t("cycle", { n: cycle.number })}>
              <div className="obs-timer">
                <span className="obs-clock" data-testid="cycle-timer">
                  {clock(elapsed(timer, now))}
                </span>
                <button type="button" className="secondary" onClick={toggleTimer}>
                  {timer?.runningSince ? t("timerStop") : timer?.elapsedMs ? t("timerResume") : t("timerStart")}
                </button>
                {cycle.duration_minutes ? (
                  <span className="muted">{t("minutes", { n: cycle.duration_minutes })}</span>
                ) : null}
                {cycles.length > 1 && (
                  <button type="button" className="secondary obs-remove" onClick={removeCycle}>
                    {t("removeCycle")}
                  </button>
                )}
              </div>
              {instrument.domains.map((domain) => (
                <fieldset key={domain.code} className="obs-domain">
                  <legend>
                    {domain.name} ({domain.code})
                  </legend>
                  {domain.dimensions.map((dim) => {
                    const value = cycle.scores?.[dim.code];
                    const label = t("scoreOf", { name: `${dim.name} (${dim.code})`, n: cycle.number });
                    return (
                      <div key={dim.code} className="obs-dimension">
                        <span className="obs-dimension-name">
                          {dim.name} <span className="muted">({dim.code})</span>
                          {dim.reverse && <span className="obs-reverse"> ↓</span>}
                        </span>
                        <div className="obs-scale" role="radiogroup" aria-label={label}>
                          {Array.from(
                            { length: instrument.scale.max - instrument.scale.min + 1 },
                            (_, k) => instrument.scale.min + k,
                          ).map((n) => (
                            <button
                              key={n}
                              type="button"
                              role="radio"
                              aria-checked={value === n}
                              className={value === n ? "obs-score selected" : "obs-score"}
                              data-testid={`score-${cycle.number}-${dim.code}-${n}`}
                              onClick={() => score(dim.code, n)}
                            >
                              {n}
                            </button>
                          ))}
                        </div>
                      </div>
                    );
                  })}
                </fieldset>
              ))}
              <label>
                {t("notes")}
                <textarea
                  rows={3}
                  value={cycle.notes ?? ""}
                  onChange={(e) => setCycle(cycleIndex, (c) => ({ ...c, notes: e.target.value }))}
                />
              </label>
            </div>
          )}

          <details className="card obs-evidence">
            <summary>{t("evidence")}</summary>
            {instrument.domains.flatMap((domain) =>
              domain.dimensions.map((dim) => (
                <label key={dim.code}>
                  {t("evidenceFor", { name: `${dim.name} (${dim.code})` })}
                  <textarea
                    rows={2}
                    value={body.evidence?.[dim.code] ?? ""}
                    onChange={(e) =>
                      change((b) => {
                        const evidence = { ...(b.evidence ?? {}) };
                        if (e.target.value) evidence[dim.code] = e.target.value;
                        else delete evidence[dim.code];
                        return { ...b, evidence };
                      })
                    }
                  />
                </label>
              )),
            )}
          </details>

          <div className="obs-submit">
            <button type="button" onClick={() => void submit()} disabled={submitting}>
              {submitting ? t("submitting") : t("submit")}
            </button>
            {draft.submitRequested && (
              <p className="notice" role="status" data-testid="submit-pending">
                {t("submitPending")}
              </p>
            )}
            {gaps && gaps.length > 0 && (
              <div className="alert" role="alert" data-testid="submit-gaps">
                <strong>{t("gapsTitle")}</strong>
                <ul>
                  {gaps.map((gap) => (
                    <li key={`${gap.field}-${gap.message}`}>{gap.message}</li>
                  ))}
                </ul>
              </div>
            )}
          </div>
          {isClass(instrument.code) && <ClassNotice />}
        </>
      )}
    </section>
  );
}
