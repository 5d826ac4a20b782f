import createClient, { type Middleware } from "openapi-fetch";
import { useMemo, useRef } from "react";
import type { components, paths } from "./schema";

export type Problem = components["schemas"]["Problem"];

const ACCESS_KEY = "mejora.access";
const REFRESH_KEY = "mejora.refresh";

export const tokens = {
  get access(): string | null {
    return localStorage.getItem(ACCESS_KEY);
  },
  get refresh(): string | null {
    return localStorage.getItem(REFRESH_KEY);
  },
  save(access: string, refresh: string): void {
    localStorage.setItem(ACCESS_KEY, access);
    localStorage.setItem(REFRESH_KEY, refresh);
  },
  clear(): void {
    localStorage.removeItem(ACCESS_KEY);
    localStorage.removeItem(REFRESH_KEY);
  },
};

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

let refreshing: Promise<boolean> | null = null;

/** Renews the access token with the refresh token (one request at a time). */
export async function refreshTokens(): Promise<boolean> {
  const refresh = tokens.refresh;
  if (!refresh) return false;
  refreshing ??= fetch("/api/v1/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: refresh }),
  })
    .then(async (response) => {
      if (!response.ok) return false;
      const body = await response.json();
      tokens.save(body.access_token, body.refresh_token);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

const authMiddleware: Middleware = {
  async onRequest({ request }) {
    let access = tokens.access;
    if (access && expiresSoon(access) && (await refreshTokens())) access = tokens.access;
    if (access) request.headers.set("Authorization", `Bearer ${access}`);
    // Every POST may be retried safely; a form that can be sent twice passes its own key (useIdempotencyKey).
    if (request.method === "POST" && !request.headers.has(IDEMPOTENCY_HEADER))
      request.headers.set(IDEMPOTENCY_HEADER, randomId());
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) {
      window.dispatchEvent(new CustomEvent(SESSION_EXPIRED_EVENT));
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
