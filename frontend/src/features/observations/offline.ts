// Observation drafts kept on the device (localStorage) and sent with the idempotent PUT when there is a connection.
//
// Every change is written locally first, so nothing is lost when the tablet has no network or the page reloads.
// The queue is the set of drafts whose local version is newer than what the server confirmed, plus the drafts whose
// submit ("Enviar") is waiting for a connection. Sending is `PUT /api/v1/observations/{id}` with the client-chosen id:
// a retry after a dropped connection never creates a second observation. A queued submit is sent after its draft:
// first the PUT of the last local version, then `POST /api/v1/observations/{id}/submit`. Both are safe to repeat —
// the server answers a PUT of exactly the stored content with 200 even once submitted, and a second submit of a
// submitted observation does nothing — so a submit whose answer was lost is simply sent again. The gaps of a refused
// submit (422) are kept on the draft and shown on the entry page. Plain `fetch` is used (not the shared client) so
// that a failed sync never replaces the entry screen with the service-down page: the tablet keeps working and
// retries later.
//
// Versions (ETags): the server counts every change of an observation and answers its ETag. The draft keeps the
// ETag of the server version it is based on (`etag`) and sends it in `If-Match`; a draft never stored sends
// `If-None-Match: *` instead. A resend of exactly what the server holds is answered 200 whatever its If-Match, so
// a PUT whose answer was lost is simply sent again. A 412 means the server copy changed: the device reads it; if it
// is exactly what this device sent last (its own write whose answer was lost) it takes that ETag and sends again;
// otherwise both versions are kept (`conflict`) and the entry screen asks the coach which to keep. A submit sends
// the ETag too; a 412 that says the observation is already submitted means a lost answer: done.
//
// Pruning (so the device does not fill up), see `pruneLocal`: a local draft is removed when
//   1. the server has it as submitted and nothing local is waiting (no newer local version, no queued submit) —
//      the server copy is the record from then on; or
//   2. the server confirmed exactly the local version (version == syncedVersion: the server copy equals the local
//      one), no submit is queued, no cycle timer is running, and that confirmation is older than PRUNE_AFTER_DAYS —
//      an old synced draft is opened from the server copy instead.
// A draft with unsent changes, a queued submit or a refused version (lastError) is never pruned. Pruning runs when a
// screen that uses the queue opens and after every sync run.
import { useCallback, useEffect, useRef, useState } from "react";
import { refreshTokens, tokens } from "../../api/client";
import { cachedProfile } from "../../auth/profileCache";
import type { components } from "../../api/schema";

export type ObservationWrite = components["schemas"]["ObservationWrite"];
export type ObservationRead = components["schemas"]["ObservationRead"];
export type CycleIn = components["schemas"]["CycleIn"];

export interface TimerState {
  runningSince: number | null;
  elapsedMs: number;
}

export interface LocalDraft {
  id: string;
  body: ObservationWrite;
  /** Local version: increases with every change. */
  version: number;
  /** The local version the server last confirmed (0 = never). */
  syncedVersion: number;
  updatedAt: string;
  timers: Record<string, TimerState>;
  lastError?: { detail: string; fields: Record<string, string> } | null;
  serverStatus?: "draft" | "submitted";
  /** When the server last confirmed a version (ISO 8601); used by the pruning rule. */
  syncedAt?: string;
  /** "Enviar" was pressed: submit once the draft is on the server (queued while offline). */
  submitRequested?: boolean;
  /** The gaps the server listed when it refused the last submit (422). */
  submitGaps?: Gap[] | null;
  /** ETag of the server version this draft is based on (sent in If-Match); absent: never stored on the server. */
  etag?: string | null;
  /** The body last sent to the server (to recognise this device's own write when its answer was lost). */
  sentBody?: ObservationWrite | null;
  /** A real 412: the server's version, kept beside the device's until the coach chooses one. */
  conflict?: ServerVersion | null;
  /** Set at logout on the drafts kept unsent: only that account sees and sends them after a later login. */
  ownerAccountId?: string | null;
}

export interface ServerVersion {
  body: ObservationWrite;
  etag: string;
  status: "draft" | "submitted";
  updatedAt: string;
}

/** What a PUT stores, from an observation as the server reads it. */
export function writeOf(observation: ObservationRead): ObservationWrite {
  return {
    instrument_id: observation.instrument_id,
    network_id: observation.network_id,
    school_id: observation.school_id,
    teacher_id: observation.teacher_id,
    observer_id: observation.observer_id,
    level: observation.level as ObservationWrite["level"],
    observed_on: observation.observed_on,
    wave: observation.wave,
    mode: observation.mode as ObservationWrite["mode"],
    cycles: observation.cycles,
    evidence: observation.evidence,
    double_codes_id: observation.double_codes_id,
  };
}

/** The ETag of an answer (the header, else the revision in the body). */
export function etagOf(response: Response, observation?: { revision?: number } | null): string | null {
  return response.headers.get("ETag") ?? (observation?.revision !== undefined ? `"${observation.revision}"` : null);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null && v !== "")
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Whether two bodies store the same observation (key order and empty optional fields aside). */
export function sameContent(a: ObservationWrite | null | undefined, b: ObservationWrite | null | undefined): boolean {
  if (!a || !b) return false;
  const strip = (w: ObservationWrite) => ({ ...w, id: undefined, status: undefined, observer_id: undefined });
  return canonical(strip(a)) === canonical(strip(b));
}

export interface Gap {
  field: string;
  message: string;
}

/** Synced drafts older than this many days are pruned from the device (rule 2 above). */
export const PRUNE_AFTER_DAYS = 14;

const KEY = "mejora.observations.drafts";
const CACHE_PREFIX = "mejora.observations.cache.";

/** The one sync run at a time, and whether it should pass over the queue once more. */
let running: Promise<boolean> | null = null;
let again = false;
export const QUEUE_EVENT = "mejora:observations-queue";

function readAll(): Record<string, LocalDraft> {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? "{}");
    return parsed && typeof parsed === "object" ? (parsed as Record<string, LocalDraft>) : {};
  } catch {
    return {};
  }
}

function writeAll(all: Record<string, LocalDraft>): void {
  localStorage.setItem(KEY, JSON.stringify(all));
  window.dispatchEvent(new CustomEvent(QUEUE_EVENT));
}

export function loadLocal(id: string): LocalDraft | null {
  return readAll()[id] ?? null;
}

export function saveLocal(draft: LocalDraft): void {
  const all = readAll();
  all[draft.id] = draft;
  writeAll(all);
}

export function removeLocal(id: string): void {
  const all = readAll();
  delete all[id];
  writeAll(all);
}

/** Local changes the server has not confirmed yet. */
export function hasUnsentChanges(draft: LocalDraft): boolean {
  return draft.version > draft.syncedVersion;
}

/** Something of this draft waits for the connection: unsent changes or a queued submit. */
export function isPending(draft: LocalDraft): boolean {
  return hasUnsentChanges(draft) || Boolean(draft.submitRequested);
}

/** Whether the pruning rule (see the top of this file) removes this draft now. */
export function isPrunable(
  draft: LocalDraft,
  now: number = Date.now(),
  maxAgeDays: number = PRUNE_AFTER_DAYS,
): boolean {
  if (isPending(draft) || draft.lastError || draft.conflict) return false;
  if (draft.serverStatus === "submitted") return true;
  if (draft.syncedVersion === 0 || Object.values(draft.timers ?? {}).some((tm) => tm.runningSince)) return false;
  const confirmed = Date.parse(draft.syncedAt ?? draft.updatedAt);
  return Number.isFinite(confirmed) && now - confirmed > maxAgeDays * 86_400_000;
}

/** Removes the drafts the pruning rule allows; returns their ids. */
export function pruneLocal(now: number = Date.now(), maxAgeDays: number = PRUNE_AFTER_DAYS): string[] {
  const all = readAll();
  const removed = Object.values(all)
    .filter((d) => isPrunable(d, now, maxAgeDays))
    .map((d) => d.id);
  if (removed.length === 0) return removed;
  for (const id of removed) delete all[id];
  writeAll(all);
  return removed;
}

/** Whether the account now using the app may see and send this draft (kept unsent by another at logout: no). */
function ownedHere(draft: LocalDraft): boolean {
  return !draft.ownerAccountId || draft.ownerAccountId === cachedProfile()?.id;
}

export function pendingDrafts(networkId?: string): LocalDraft[] {
  return Object.values(readAll())
    .filter((d) => isPending(d) && ownedHere(d) && (!networkId || d.body.network_id === networkId))
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
}

export type SyncOutcome =
  | { kind: "ok"; observation: ObservationRead; etag: string | null }
  | { kind: "offline" }
  | {
      kind: "rejected";
      status: number;
      code: string;
      detail: string;
      fields: Record<string, string>;
      errors: Gap[];
      problem: Record<string, unknown>;
    };

async function authHeaders(): Promise<Record<string, string>> {
  let access = tokens.access;
  try {
    const payload = access ? JSON.parse(atob(access.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) : null;
    if (!payload || payload.exp * 1000 - Date.now() < 30_000) {
      if (await refreshTokens()) access = tokens.access;
    }
  } catch {
    // a malformed token is sent as is; the server answers 401
  }
  return access ? { Authorization: `Bearer ${access}` } : {};
}

async function send(
  path: string,
  method: "GET" | "PUT" | "POST",
  conditions: Record<string, string>,
  body?: unknown,
): Promise<SyncOutcome> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { "Content-Type": "application/json", ...conditions, ...(await authHeaders()) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { kind: "offline" };
  }
  const payload = await response.json().catch(() => ({}));
  if (response.ok) return { kind: "ok", observation: payload as ObservationRead, etag: etagOf(response, payload) };
  // 409 request_in_progress (a twin request still running) and 5xx (503 overloaded included): try again later.
  if (response.status >= 500 || response.status === 401 || payload.code === "request_in_progress")
    return { kind: "offline" };
  const errors = ((payload.errors ?? []) as Gap[]).map((e) => ({ field: e.field, message: e.message }));
  const fields = Object.fromEntries(errors.map((e) => [e.field, e.message]));
  const detail = String(payload.detail ?? response.status);
  return {
    kind: "rejected",
    status: response.status,
    code: String(payload.code ?? ""),
    detail,
    fields,
    errors,
    problem: payload,
  };
}

/** The conditional header of a draft's PUT: the ETag it is based on, or "create only". */
function conditionsOf(draft: LocalDraft): Record<string, string> {
  return draft.etag ? { "If-Match": draft.etag } : { "If-None-Match": "*" };
}

/** Sends one draft (PUT). Network failures and 5xx are "offline": the draft stays queued. */
export function sendDraft(draft: LocalDraft): Promise<SyncOutcome> {
  return send(`/api/v1/observations/${draft.id}`, "PUT", conditionsOf(draft), draft.body);
}

/** Submits one observation already on the server, with the ETag it is based on. */
export function sendSubmit(id: string, etag: string | null | undefined): Promise<SyncOutcome> {
  return send(`/api/v1/observations/${id}/submit`, "POST", etag ? { "If-Match": etag } : {});
}

/** The server's current version of an observation (null when unreachable or gone). */
export async function fetchServerVersion(id: string): Promise<ServerVersion | null> {
  const outcome = await send(`/api/v1/observations/${id}`, "GET", {});
  if (outcome.kind !== "ok" || !outcome.etag) return null;
  const { observation } = outcome;
  return {
    body: writeOf(observation),
    etag: outcome.etag,
    status: observation.status,
    updatedAt: observation.updated_at,
  };
}

/**
 * A 412: the server copy is not the one this draft is based on. If it holds exactly what this device sent before
 * (`ownEarlier`: its own write, whose answer was lost), the draft takes its ETag and is sent again; otherwise both versions are
 * kept and the coach chooses (`conflict`). Returns false when the server could not be read (offline).
 */
async function resolveStale(draft: LocalDraft, ownEarlier: ObservationWrite | null | undefined): Promise<boolean> {
  const server = await fetchServerVersion(draft.id);
  if (!server) return false;
  const current = loadLocal(draft.id);
  if (!current) return true;
  if (sameContent(server.body, current.body)) {
    saveLocal({
      ...current,
      etag: server.etag,
      syncedVersion: current.version,
      serverStatus: server.status,
      conflict: null,
    });
  } else if (server.status === "draft" && sameContent(server.body, ownEarlier)) {
    saveLocal({ ...current, etag: server.etag, conflict: null }); // own write: the next pass sends the newer body
    again = true;
  } else {
    saveLocal({ ...current, submitRequested: false, conflict: server });
  }
  return true;
}

/** The coach's choice on a conflict: keep this device's version (sent over the server's) or take the server's. */
export function resolveConflict(draft: LocalDraft, keep: "device" | "server"): LocalDraft {
  const server = draft.conflict;
  if (!server) return draft;
  const next: LocalDraft =
    keep === "device"
      ? { ...draft, etag: server.etag, conflict: null, lastError: null, version: draft.version + 1 }
      : {
          ...draft,
          body: server.body,
          etag: server.etag,
          conflict: null,
          lastError: null,
          version: draft.version + 1,
          syncedVersion: draft.version + 1,
          serverStatus: server.status,
          syncedAt: new Date().toISOString(),
        };
  saveLocal(next);
  return next;
}

async function sendPending(draft: LocalDraft): Promise<boolean> {
  const sentVersion = draft.version;
  const earlier = draft.sentBody;
  saveLocal({ ...draft, sentBody: draft.body });
  const outcome = await sendDraft(draft);
  if (outcome.kind === "offline") return false;
  const current = loadLocal(draft.id);
  if (!current) return true;
  if (outcome.kind === "rejected" && outcome.status === 412) return resolveStale(current, earlier);
  if (outcome.kind === "rejected") {
    // The server refused this version (e.g. an unknown teacher): keep it on the device, marked, for a fix.
    // A queued submit is dropped with it: the coach fixes the draft and presses "Enviar" again.
    saveLocal({ ...current, submitRequested: false, lastError: { detail: outcome.detail, fields: outcome.fields } });
    return true;
  }
  saveLocal({
    ...current,
    etag: outcome.etag ?? current.etag,
    syncedVersion: Math.max(current.syncedVersion, sentVersion),
    syncedAt: new Date().toISOString(),
    lastError: null,
    serverStatus: outcome.observation.status,
  });
  return true;
}

async function submitQueued(queued: LocalDraft): Promise<boolean> {
  const outcome = await sendSubmit(queued.id, queued.etag);
  if (outcome.kind === "offline") return false;
  const current = loadLocal(queued.id);
  if (!current) return true;
  const done = { ...current, submitRequested: false, submitGaps: null, serverStatus: "submitted" as const };
  if (outcome.kind === "ok") {
    saveLocal({ ...done, etag: outcome.etag ?? current.etag, syncedAt: new Date().toISOString() });
  } else if (outcome.status === 412 && outcome.problem.status === "submitted") {
    saveLocal({ ...done, syncedAt: new Date().toISOString() }); // a submit whose answer was lost
  } else if (outcome.status === 412) {
    return resolveStale(current, current.sentBody);
  } else if (outcome.status === 422) {
    saveLocal({ ...current, submitRequested: false, submitGaps: outcome.errors });
  } else {
    saveLocal({ ...current, submitRequested: false, lastError: { detail: outcome.detail, fields: outcome.fields } });
  }
  return true;
}

/** One pass over the queue; false when the connection failed (the rest waits for the next pass). */
async function syncOnce(): Promise<boolean> {
  for (const draft of pendingDrafts()) {
    if (draft.conflict) continue; // waits for the coach's choice
    if (draft.lastError && !hasUnsentChanges(draft)) continue; // refused as is: waits for a fix
    if (hasUnsentChanges(draft) && !(await sendPending(draft))) return false;
    const queued = loadLocal(draft.id);
    if (!queued?.submitRequested || queued.conflict || hasUnsentChanges(queued)) continue; // edited meanwhile: next pass
    if (!(await submitQueued(queued))) return false;
  }
  return true;
}

/**
 * Sends every queued draft (and queued submit), oldest first; stops at the first network failure. One run at a
 * time: a call during a run makes that run pass over the queue once more (so nothing queued meanwhile waits).
 * Resolves to false when the connection failed. Prunes the device afterwards.
 */
export function syncQueue(): Promise<boolean> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    let ok: boolean;
    do {
      again = false;
      ok = await syncOnce();
    } while (again && ok);
    pruneLocal();
    return ok;
  })().finally(() => {
    running = null;
  });
  return running;
}

/** "Enviar": queue the submit of this draft (after its latest version) and try now. */
export async function requestSubmit(draft: LocalDraft): Promise<boolean> {
  const current = loadLocal(draft.id) ?? draft;
  saveLocal({ ...current, submitRequested: true, submitGaps: null, lastError: null });
  return syncQueue();
}

export type SyncState = "local" | "pending" | "syncing" | "synced" | "error" | "submitPending" | "conflict";

/** Keeps the queue moving: now, when the browser comes back online, and every few seconds while drafts wait. */
export function useSyncQueue(networkId?: string): {
  pending: LocalDraft[];
  online: boolean;
  syncing: boolean;
  syncNow: () => void;
} {
  const [pending, setPending] = useState<LocalDraft[]>(() => pendingDrafts(networkId));
  const [online, setOnline] = useState<boolean>(navigator.onLine);
  const [syncing, setSyncing] = useState(false);
  const mounted = useRef(true);

  const syncNow = useCallback(() => {
    if (!pendingDrafts().length) return;
    setSyncing(true);
    void syncQueue().finally(() => mounted.current && setSyncing(false));
  }, []);

  useEffect(() => {
    mounted.current = true;
    const refresh = () => setPending(pendingDrafts(networkId));
    const goOnline = () => {
      setOnline(true);
      syncNow();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener(QUEUE_EVENT, refresh);
    window.addEventListener("storage", refresh);
    window.addEventListener("online", goOnline);
    window.addEventListener("offline", goOffline);
    const timer = window.setInterval(() => {
      if (pendingDrafts().some((d) => !d.lastError && !d.conflict)) syncNow();
    }, 4000);
    pruneLocal();
    syncNow();
    return () => {
      mounted.current = false;
      window.removeEventListener(QUEUE_EVENT, refresh);
      window.removeEventListener("storage", refresh);
      window.removeEventListener("online", goOnline);
      window.removeEventListener("offline", goOffline);
      window.clearInterval(timer);
    };
  }, [networkId, syncNow]);

  return { pending, online, syncing, syncNow };
}

/** Reference data (teachers, instruments) cached for use without a connection. */
export function cacheGet<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(`${CACHE_PREFIX}${key}`);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function cacheSet<T>(key: string, value: T): void {
  try {
    localStorage.setItem(`${CACHE_PREFIX}${key}`, JSON.stringify(value));
  } catch {
    // storage full: the cache is only a convenience
  }
}

/**
 * Logout: clears what this device keeps of the session — the cached API data (teachers, instruments), the drafts
 * already on the server and the browser's Cache Storage — but keeps every unsent draft (changes not confirmed or a
 * queued submit) until it is sent, marked as `ownerAccountId`'s: another account logging in on this device neither
 * sees nor sends them; they go once that account logs in again. Returns how many drafts were kept.
 */
export function clearDeviceData(ownerAccountId: string | null = null): number {
  for (const key of Object.keys(localStorage)) if (key.startsWith(CACHE_PREFIX)) localStorage.removeItem(key);
  const all = readAll();
  const kept = Object.fromEntries(
    Object.entries(all)
      .filter(([, draft]) => isPending(draft))
      .map(([id, draft]) => [id, { ...draft, ownerAccountId: draft.ownerAccountId ?? ownerAccountId }]),
  );
  writeAll(kept);
  if (typeof caches !== "undefined")
    void caches
      .keys()
      .then((names) => Promise.all(names.map((name) => caches.delete(name))))
      .catch(() => undefined);
  return Object.keys(kept).length;
}
