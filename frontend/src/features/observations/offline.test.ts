// The offline queue: drafts kept on the device, sent exactly once, pruned by the rule, conflicts kept for the coach.
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  cacheGet,
  cacheSet,
  clearDeviceData,
  isPrunable,
  loadLocal,
  pendingDrafts,
  pruneLocal,
  resolveConflict,
  sameContent,
  saveLocal,
  syncQueue,
  type LocalDraft,
  type ObservationWrite,
} from "./offline";

const NOW = Date.parse("2024-06-30T12:00:00Z");
const DAY = 86_400_000;

function body(overrides: Partial<ObservationWrite> = {}): ObservationWrite {
  return {
    instrument_id: "instrument-1",
    network_id: "network-1",
    school_id: "school-1",
    teacher_id: "teacher-1",
    level: "kinder",
    observed_on: "2024-06-01",
    wave: "2024-1",
    mode: "live",
    cycles: [],
    ...overrides,
  } as ObservationWrite;
}

function draft(overrides: Partial<LocalDraft> = {}): LocalDraft {
  return {
    id: "obs-1",
    body: body(),
    version: 1,
    syncedVersion: 0,
    updatedAt: new Date().toISOString(), // recent: the pruning after a sync run keeps it
    timers: {},
    ...overrides,
  };
}

/** A server answer as `fetch` resolves it. */
function answer(status: number, payload: object, etag?: string): Response {
  return new Response(JSON.stringify(payload), {
    status,
    headers: { "Content-Type": "application/json", ...(etag ? { ETag: etag } : {}) },
  });
}

/** Stubs `fetch` with answers chosen by the request; returns the calls made ("PUT /api/…"). */
function server(respond: (method: string, path: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { method: string; path: string; headers: Record<string, string> }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      calls.push({ method, path, headers: (init.headers ?? {}) as Record<string, string> });
      return respond(method, path, init);
    }),
  );
  return calls;
}

const stored = (write: ObservationWrite, status = "draft", revision = 1) => ({
  id: "obs-1",
  ...write,
  status,
  revision,
  updated_at: "2024-06-02T10:00:00Z",
});

beforeEach(() => {
  localStorage.clear();
});

describe("logout", () => {
  it("clears cached data and synced drafts but keeps every unsent draft", () => {
    saveLocal(draft({ id: "unsent", version: 2, syncedVersion: 1 }));
    saveLocal(draft({ id: "queued-submit", version: 2, syncedVersion: 2, submitRequested: true }));
    saveLocal(draft({ id: "synced", version: 2, syncedVersion: 2 }));
    cacheSet("teachers", [{ id: "t1" }]);
    localStorage.setItem("mejora.language", "es");
    expect(clearDeviceData()).toBe(2);
    expect(loadLocal("unsent")).not.toBeNull();
    expect(loadLocal("queued-submit")).not.toBeNull();
    expect(loadLocal("synced")).toBeNull();
    expect(cacheGet("teachers")).toBeNull();
    expect(localStorage.getItem("mejora.language")).toBe("es");
  });
  it("keeps the unsent drafts for the account that logged out only", () => {
    saveLocal(draft({ id: "mine", version: 2, syncedVersion: 1 }));
    localStorage.setItem("mejora.profile", JSON.stringify({ id: "account-a" }));
    clearDeviceData("account-a");
    localStorage.setItem("mejora.profile", JSON.stringify({ id: "account-b" }));
    expect(pendingDrafts()).toEqual([]);
    expect(loadLocal("mine")?.ownerAccountId).toBe("account-a");
    localStorage.setItem("mejora.profile", JSON.stringify({ id: "account-a" }));
    expect(pendingDrafts().map((d) => d.id)).toEqual(["mine"]);
  });
});

describe("the device copy", () => {
  it("keeps a draft across reads", () => {
    saveLocal(draft({ version: 3 }));
    expect(loadLocal("obs-1")?.version).toBe(3);
    expect(loadLocal("other")).toBeNull();
  });

  it("queues unsent changes and queued submits, oldest first, per network", () => {
    saveLocal(draft({ id: "b", updatedAt: "2024-06-02T00:00:00Z" }));
    saveLocal(draft({ id: "a", updatedAt: "2024-06-01T00:00:00Z" }));
    saveLocal(draft({ id: "synced", version: 2, syncedVersion: 2 }));
    saveLocal(
      draft({ id: "submit", version: 2, syncedVersion: 2, submitRequested: true, updatedAt: "2024-06-01T12:00:00Z" }),
    );
    saveLocal(draft({ id: "elsewhere", body: body({ network_id: "network-2" }) }));
    expect(pendingDrafts("network-1").map((d) => d.id)).toEqual(["a", "submit", "b"]);
    expect(pendingDrafts().map((d) => d.id)).toContain("elsewhere");
  });

  it("compares bodies by content, not key order or empty optional fields", () => {
    const a = body({ double_codes_id: "", evidence: undefined });
    const b = Object.fromEntries(Object.entries(body()).reverse()) as ObservationWrite;
    expect(sameContent(a, b)).toBe(true);
    expect(sameContent(a, body({ teacher_id: "teacher-2" }))).toBe(false);
    expect(sameContent(a, null)).toBe(false);
  });
});

describe("the pruning rule", () => {
  const synced = (overrides: Partial<LocalDraft> = {}) =>
    draft({ version: 2, syncedVersion: 2, syncedAt: new Date(NOW - 15 * DAY).toISOString(), ...overrides });

  it("removes a draft the server has as submitted once nothing waits", () => {
    expect(isPrunable(synced({ serverStatus: "submitted", syncedAt: new Date(NOW).toISOString() }), NOW)).toBe(true);
  });

  it("removes a synced draft confirmed more than 14 days ago, keeps a recent one", () => {
    expect(isPrunable(synced(), NOW)).toBe(true);
    expect(isPrunable(synced({ syncedAt: new Date(NOW - 13 * DAY).toISOString() }), NOW)).toBe(false);
  });

  it("never removes unsent changes, a queued submit, a refused version or a conflict", () => {
    expect(isPrunable(synced({ version: 3, serverStatus: "submitted" }), NOW)).toBe(false);
    expect(isPrunable(synced({ submitRequested: true }), NOW)).toBe(false);
    expect(isPrunable(synced({ lastError: { detail: "no", fields: {} } }), NOW)).toBe(false);
    const conflict = { body: body(), etag: '"2"', status: "draft" as const, updatedAt: "2024-06-02T10:00:00Z" };
    expect(isPrunable(synced({ conflict }), NOW)).toBe(false);
  });

  it("keeps a draft with a running cycle timer or never confirmed", () => {
    expect(isPrunable(synced({ timers: { c1: { runningSince: NOW - 1000, elapsedMs: 0 } } }), NOW)).toBe(false);
    expect(isPrunable(draft({ version: 0, syncedVersion: 0, updatedAt: "2020-01-01T00:00:00Z" }), NOW)).toBe(false);
  });

  it("prunes only the drafts the rule allows, and says which", () => {
    saveLocal(synced({ id: "old" }));
    saveLocal(draft({ id: "unsent" }));
    expect(pruneLocal(NOW)).toEqual(["old"]);
    expect(loadLocal("old")).toBeNull();
    expect(loadLocal("unsent")).not.toBeNull();
  });
});

describe("syncing", () => {
  it("creates a new draft once (If-None-Match: *) and sends nothing more when it is confirmed", async () => {
    const calls = server((_method, _path, init) => answer(200, stored(JSON.parse(String(init.body))), '"1"'));
    saveLocal(draft());
    expect(await syncQueue()).toBe(true);
    expect(await syncQueue()).toBe(true);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(["PUT /api/v1/observations/obs-1"]);
    expect(calls[0].headers["If-None-Match"]).toBe("*");
    const saved = loadLocal("obs-1");
    expect(saved).toMatchObject({ syncedVersion: 1, etag: '"1"', serverStatus: "draft", lastError: null });
  });

  it("shares one run between calls made while it is running", async () => {
    const calls = server((_method, _path, init) => answer(200, stored(JSON.parse(String(init.body))), '"1"'));
    saveLocal(draft());
    const [first, second] = [syncQueue(), syncQueue()];
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it("keeps the draft queued when the network fails or the service is down", async () => {
    server(() => Promise.reject(new TypeError("Failed to fetch")));
    saveLocal(draft());
    expect(await syncQueue()).toBe(false);
    server(() => answer(503, { code: "overloaded" }));
    expect(await syncQueue()).toBe(false);
    expect(pendingDrafts().map((d) => d.id)).toEqual(["obs-1"]);
  });

  it("sends a queued submit after the draft, with its ETag, then prunes the submitted draft", async () => {
    const calls = server((method, _path, init) =>
      method === "PUT"
        ? answer(200, stored(JSON.parse(String(init.body))), '"1"')
        : answer(200, stored(body(), "submitted", 2), '"2"'),
    );
    saveLocal(draft({ submitRequested: true }));
    expect(await syncQueue()).toBe(true);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "PUT /api/v1/observations/obs-1",
      "POST /api/v1/observations/obs-1/submit",
    ]);
    expect(calls[1].headers["If-Match"]).toBe('"1"');
    expect(loadLocal("obs-1")).toBeNull(); // rule 1: the server copy is the record now
  });

  it("keeps a refused version on the device, marked, and drops its queued submit", async () => {
    const calls = server(() =>
      answer(422, {
        code: "validation_error",
        detail: "Datos inválidos",
        errors: [{ field: "teacher_id", message: "desconocido" }],
      }),
    );
    saveLocal(draft({ submitRequested: true }));
    expect(await syncQueue()).toBe(true);
    expect(calls.map((c) => c.method)).toEqual(["PUT"]); // the refused version: its queued submit is not sent
    expect(loadLocal("obs-1")).toMatchObject({
      submitRequested: false,
      lastError: { detail: "Datos inválidos", fields: { teacher_id: "desconocido" } },
    });
  });

  it("keeps both versions on a 412 when the server holds someone else's change", async () => {
    const theirs = body({ teacher_id: "teacher-2" });
    const calls = server((method) =>
      method === "PUT" ? answer(412, { code: "stale" }) : answer(200, stored(theirs, "draft", 5), '"5"'),
    );
    saveLocal(draft({ etag: '"4"', version: 2, syncedVersion: 1, submitRequested: true }));
    expect(await syncQueue()).toBe(true);
    const kept = loadLocal("obs-1");
    expect(kept?.conflict).toMatchObject({ etag: '"5"', status: "draft" });
    expect(kept?.conflict?.body.teacher_id).toBe("teacher-2");
    expect(kept?.submitRequested).toBe(false);
    expect(kept?.body.teacher_id).toBe("teacher-1");
    await syncQueue(); // a conflict waits for the coach's choice
    expect(calls.map((c) => c.method)).toEqual(["PUT", "GET"]);
  });

  it("takes the server's ETag on a 412 when the server already holds this very content", async () => {
    server((method) =>
      method === "PUT" ? answer(412, { code: "stale" }) : answer(200, stored(body(), "draft", 7), '"7"'),
    );
    saveLocal(draft({ etag: '"6"', version: 2, syncedVersion: 1 }));
    expect(await syncQueue()).toBe(true);
    expect(loadLocal("obs-1")).toMatchObject({ etag: '"7"', syncedVersion: 2, conflict: null });
  });
});

describe("the coach's choice on a conflict", () => {
  const server412 = { body: body({ teacher_id: "teacher-2" }), etag: '"5"', status: "draft" as const, updatedAt: "x" };

  it("keeping the device's version sends it again over the server's", () => {
    const next = resolveConflict(draft({ version: 2, syncedVersion: 1, conflict: server412 }), "device");
    expect(next).toMatchObject({ etag: '"5"', conflict: null, version: 3, syncedVersion: 1 });
    expect(next.body.teacher_id).toBe("teacher-1");
    expect(pendingDrafts().map((d) => d.id)).toEqual(["obs-1"]);
  });

  it("taking the server's version replaces the body and leaves nothing to send", () => {
    const next = resolveConflict(draft({ version: 2, syncedVersion: 1, conflict: server412 }), "server");
    expect(next).toMatchObject({ etag: '"5"', conflict: null, version: 3, syncedVersion: 3 });
    expect(next.body.teacher_id).toBe("teacher-2");
    expect(pendingDrafts()).toEqual([]);
  });
});
