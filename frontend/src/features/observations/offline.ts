// Observation drafts kept on the device (localStorage) and sent with the idempotent PUT when there is a connection.
//
// Every change is written locally first, so nothing is lost when the tablet has no network or the page reloads.
// The queue is the set of drafts whose local version is newer than what the server confirmed. Sending is
// `PUT /api/v1/observations/{id}` with the client-chosen id: a retry after a dropped connection never creates a
// second observation. Plain `fetch` is used (not the shared client) so that a failed sync never replaces the
// entry screen with the service-down page: the tablet keeps working and retries later.
import { useCallback, useEffect, useRef, useState } from "react";
import { refreshTokens, tokens } from "../../api/client";
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
}

const KEY = "mejora.observations.drafts";
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

export function isPending(draft: LocalDraft): boolean {
  return draft.version > draft.syncedVersion;
}

export function pendingDrafts(networkId?: string): LocalDraft[] {
  return Object.values(readAll())
    .filter((d) => isPending(d) && (!networkId || d.body.network_id === networkId))
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
}

export type SyncOutcome =
  | { kind: "ok"; observation: ObservationRead }
  | { kind: "offline" }
  | { kind: "rejected"; status: number; detail: string; fields: Record<string, string> };

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

/** Sends one draft (PUT). Network failures and 5xx are "offline": the draft stays queued. */
export async function sendDraft(draft: LocalDraft): Promise<SyncOutcome> {
  let response: Response;
  try {
    response = await fetch(`/api/v1/observations/${draft.id}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", ...(await authHeaders()) },
      body: JSON.stringify(draft.body),
    });
  } catch {
    return { kind: "offline" };
  }
  const payload = await response.json().catch(() => ({}));
  if (response.ok) return { kind: "ok", observation: payload as ObservationRead };
  if (response.status >= 500 || response.status === 401) return { kind: "offline" };
  const fields = Object.fromEntries(
    ((payload.errors ?? []) as { field: string; message: string }[]).map((e) => [e.field, e.message]),
  );
  return { kind: "rejected", status: response.status, detail: String(payload.detail ?? response.status), fields };
}

let running: Promise<void> | null = null;

/** Sends every queued draft, oldest first; stops at the first network failure. One run at a time. */
export function syncQueue(): Promise<void> {
  running ??= (async () => {
    for (const draft of pendingDrafts()) {
      const sentVersion = draft.version;
      const outcome = await sendDraft(draft);
      if (outcome.kind === "offline") break;
      const current = loadLocal(draft.id);
      if (!current) continue;
      if (outcome.kind === "ok") {
        saveLocal({
          ...current,
          syncedVersion: Math.max(current.syncedVersion, sentVersion),
          lastError: null,
          serverStatus: outcome.observation.status,
        });
      } else {
        // The server refused this version (e.g. an unknown teacher): keep it on the device, marked, for a fix.
        saveLocal({ ...current, lastError: { detail: outcome.detail, fields: outcome.fields } });
      }
    }
  })().finally(() => {
    running = null;
  });
  return running;
}

export type SyncState = "local" | "pending" | "syncing" | "synced" | "error";

/** Keeps the queue moving: now, when the browser comes back online, and every few seconds while drafts wait. */
export function useSyncQueue(networkId?: string): { pending: LocalDraft[]; online: boolean; syncing: boolean; syncNow: () => void } {
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
      if (pendingDrafts().some((d) => !d.lastError)) syncNow();
    }, 4000);
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
    const raw = localStorage.getItem(`mejora.observations.cache.${key}`);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function cacheSet<T>(key: string, value: T): void {
  try {
    localStorage.setItem(`mejora.observations.cache.${key}`, JSON.stringify(value));
  } catch {
    // storage full: the cache is only a convenience
  }
}
