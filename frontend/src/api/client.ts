import createClient, { type Middleware } from "openapi-fetch";
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
}

export const SERVICE_DOWN_EVENT = "mejora:service-down";
export const SESSION_EXPIRED_EVENT = "mejora:session-expired";

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
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) {
      window.dispatchEvent(new CustomEvent(SESSION_EXPIRED_EVENT));
    } else if ([502, 503, 504].includes(response.status)) {
      const problem = (await response.clone().json().catch(() => null)) as Problem | null;
      window.dispatchEvent(new CustomEvent(SERVICE_DOWN_EVENT, { detail: problem }));
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(authMiddleware);

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
  return result.data;
}
