import createClient, { type Middleware } from "openapi-fetch";
import { useMemo, useRef } from "react";
import type { components, paths } from "./schema";

export type Problem = components["schemas"]["Problem"];

// The access token lives only in this tab's memory: never in localStorage/sessionStorage, where any script could
// read it. The refresh token is an HttpOnly cookie (`mejora_refresh`, Path=/api/v1/auth) that scripts cannot read;
// the readable `mejora_csrf` cookie says a browser session exists and is sent back as X-CSRF-Token (docs/security.md).
let accessToken: string | null = null;

export const CSRF_COOKIE = "mejora_csrf";

export const tokens = {
  get access(): string | null {
    return accessToken;
  },
  set(access: string | null): void {
    accessToken = access;
  },
  clear(): void {
    accessToken = null;
  },
};

/** The session's CSRF token (readable cookie), or null when this browser has no session. */
export function csrfToken(): string | null {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CSRF_COOKIE && rest.length) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** Forgets the readable session marker (the HttpOnly refresh cookie is cleared by the server on logout). */
export function forgetSession(): void {
  document.cookie = `${CSRF_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict`;
}

/** Whether this browser holds a session cookie that a refresh may turn into an access token. */
export function hasSession(): boolean {
  return csrfToken() !== null;
}

/** An API error carrying the server's problem+json body. */
export class ApiError extends Error {
  constructor(public readonly problem: Problem) {
    super(problem.detail);
  }
  fieldErrors(): Record<string, string> {
    return Object.fromEntries((this.problem.errors ?? []).map((e) => [e.field, e.message]));
  }
  /** 412: someone else saved the resource after we read it; nothing was saved. */
  get stale(): boolean {
    return this.problem.status === 412;
  }
  /** 503 `overloaded`: too many requests right now; the same request may be sent again in a few seconds. */
  get overloaded(): boolean {
    return isOverloaded(this.problem.status, this.problem.code);
  }
}

export const SERVICE_DOWN_EVENT = "mejora:service-down";
export const SESSION_EXPIRED_EVENT = "mejora:session-expired";
/** Detail: the seconds of the answer's Retry-After (or null). */
export const OVERLOADED_EVENT = "mejora:overloaded";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";

function isOverloaded(status: number, code: string | undefined): boolean {
  return status === 503 && code === "overloaded";
}

/** A random UUID v4 (crypto.randomUUID exists only in secure contexts, so a fallback for plain http). */
export function randomId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function expiresSoon(jwt: string): boolean {
  try {
    const payload = JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return typeof payload.exp !== "number" || payload.exp * 1000 - Date.now() < 30_000;
  } catch {
    return true;
  }
}

/** `ok`: a new access token; `expired`: the session ended (log in again); `offline`/`unavailable`: try later. */
export type RefreshOutcome = "ok" | "expired" | "offline" | "unavailable";

/** The problem of the last refresh the services could not answer (for the service-down page). */
export let lastRefreshProblem: Problem | null = null;

const REFRESH_LOCK = "mejora-auth-refresh";
let refreshing: Promise<RefreshOutcome> | null = null;

async function postRefresh(): Promise<RefreshOutcome> {
  const csrf = csrfToken();
  if (!csrf) return "expired";
  let response: Response;
  try {
    response = await fetch("/api/v1/auth/refresh", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf },
    });
  } catch {
    return "offline";
  }
  const body = await response.json().catch(() => null);
  if (response.ok && body?.access_token) {
    tokens.set(body.access_token);
    return "ok";
  }
  if (response.status >= 500) {
    lastRefreshProblem = body as Problem | null;
    return "unavailable";
  }
  tokens.clear();
  forgetSession();
  return "expired";
}

/**
 * Renews the access token through the session cookie. One refresh at a time in this tab, and across the tabs of
 * the browser with the Web Locks API: a tab waits for another's refresh and then refreshes with the rotated cookie.
 * Without Web Locks (older browsers) tabs may refresh at once; the server then answers both with the same
 * successor (its grace period), so neither is logged out.
 */
export async function refreshSession(): Promise<RefreshOutcome> {
  refreshing ??= (async () => {
    try {
      const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
      if (locks && typeof locks.request === "function") return await locks.request(REFRESH_LOCK, postRefresh);
      return await postRefresh();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Renews the access token; true when there is a fresh one. */
export async function refreshTokens(): Promise<boolean> {
  return (await refreshSession()) === "ok";
}

const authMiddleware: Middleware = {
  async onRequest({ request }) {
    let access = tokens.access;
    if ((!access || expiresSoon(access)) && hasSession() && (await refreshTokens())) access = tokens.access;
    if (access) request.headers.set("Authorization", `Bearer ${access}`);
    // Every POST may be retried safely; a form that can be sent twice passes its own key (useIdempotencyKey).
    if (request.method === "POST" && !request.headers.has(IDEMPOTENCY_HEADER))
      request.headers.set(IDEMPOTENCY_HEADER, randomId());
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) {
      // The access token may just have expired: the session ends only when the cookie cannot renew it either.
      const renewed = hasSession() && (await refreshSession()) !== "expired";
      if (!renewed) window.dispatchEvent(new CustomEvent(SESSION_EXPIRED_EVENT));
    } else if ([502, 503, 504].includes(response.status)) {
      const problem = (await response
        .clone()
        .json()
        .catch(() => null)) as Problem | null;
      if (isOverloaded(response.status, problem?.code)) {
        // A busy moment, not an outage: the screen stays, a gentle notice asks to retry.
        const seconds = Number(response.headers.get("Retry-After"));
        window.dispatchEvent(
          new CustomEvent(OVERLOADED_EVENT, { detail: Number.isFinite(seconds) && seconds > 0 ? seconds : null }),
        );
      } else {
        window.dispatchEvent(new CustomEvent(SERVICE_DOWN_EVENT, { detail: problem }));
      }
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(authMiddleware);

/**
 * One Idempotency-Key per form instance: a double click or a retry after a lost answer sends the same key, so the
 * server creates once and replays its answer. The key is renewed once the server has decided on it (any answer
 * below 500 but 409 `request_in_progress`), because it keeps that answer and a corrected body needs a new key.
 */
export function useIdempotencyKey() {
  const key = useRef<string>("");
  // Lazy initialisation of a ref, the pattern React documents; the compiler rule cannot tell it from a read.
  // eslint-disable-next-line react-hooks/refs
  if (key.current === "") key.current = randomId();
  return useMemo(
    () => ({
      /** Runs `request` with the form's key header, e.g. `send((headers) => api.POST(path, { body, headers }))`. */
      async send<R extends { response: Response; error?: unknown }>(
        request: (headers: Record<string, string>) => Promise<R>,
      ): Promise<R> {
        const result = await request({ [IDEMPOTENCY_HEADER]: key.current });
        const inProgress = (result.error as Partial<Problem> | undefined)?.code === "request_in_progress";
        if (result.response.status < 500 && !inProgress) key.current = randomId();
        return result;
      },
    }),
    [],
  );
}

// The ETag each resource was read with, kept beside the object that unwrap() returned (see etagOf).
const etags = new WeakMap<object, string>();

/** The ETag the object was read (or saved) with, to send back as If-Match; null when the answer had none. */
export function etagOf(resource: object | null | undefined): string | null {
  return (resource && etags.get(resource)) ?? null;
}

/** Remembers `etag` as the version `resource` was read with (for objects that did not come through unwrap). */
export function withEtag<T extends object>(resource: T, etag: string | null): T {
  if (etag) etags.set(resource, etag);
  return resource;
}

/** `{ "If-Match": etag }` for a change of a resource read earlier (nothing when its version is unknown). */
export function ifMatch(resource: object | null | undefined): Record<string, string> {
  const etag = etagOf(resource);
  return etag ? { "If-Match": etag } : {};
}

/** Unwraps an openapi-fetch result: the data, or an ApiError with the problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const problem = (result.error ?? {}) as Partial<Problem>;
    throw new ApiError({
      type: problem.type ?? "about:blank",
      title: problem.title ?? "Error",
      status: problem.status ?? result.response.status,
      detail: problem.detail ?? `Error ${result.response.status}`,
      code: problem.code ?? "error",
      errors: problem.errors,
      service: problem.service,
    });
  }
  const data = result.data;
  if (typeof data === "object" && data !== null) withEtag(data, result.response.headers.get("ETag"));
  return data;
}
