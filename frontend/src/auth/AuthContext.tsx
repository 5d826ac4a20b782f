import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import {
  api,
  ApiError,
  csrfToken,
  forgetSession,
  hasSession,
  lastRefreshProblem,
  refreshSession,
  SERVICE_DOWN_EVENT,
  SESSION_EXPIRED_EVENT,
  tokens,
  unwrap,
} from "../api/client";
import type { components } from "../api/schema";
import { clearDeviceData } from "../features/observations/offline";
import { cachedProfile, forgetProfile, rememberProfile } from "./profileCache";

export type Me = components["schemas"]["MeRead"];

interface Auth {
  me: Me | null;
  loading: boolean;
  /** The app runs on the cached profile: no connection when it opened; a login is asked once it is back. */
  offline: boolean;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  reload: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [offline, setOffline] = useState(false);
  const [loading, setLoading] = useState<boolean>(() => hasSession() || cachedProfile() !== null);

  const loadMe = useCallback(async () => {
    try {
      const profile = unwrap(await api.GET("/api/v1/auth/me"));
      rememberProfile(profile);
      setMe(profile);
      setOffline(false);
    } catch (error) {
      // A 401 ends the session; any other failure (a service down) keeps the session for a retry.
      if (error instanceof ApiError && error.problem.status === 401) tokens.clear();
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);

  /** Opens the session of this browser: a refresh through the cookie, else the cached profile when offline. */
  const resume = useCallback(async () => {
    const outcome = hasSession() ? await refreshSession() : "expired";
    if (outcome === "ok") return loadMe();
    const cached = cachedProfile();
    if (outcome === "offline" || (outcome === "expired" && cached && !navigator.onLine)) {
      // No connection: keep working on this device (profile and drafts); the login waits for the connection.
      setMe(cached);
      setOffline(cached !== null);
    } else {
      if (outcome === "unavailable")
        window.dispatchEvent(new CustomEvent(SERVICE_DOWN_EVENT, { detail: lastRefreshProblem }));
      setMe(null);
      setOffline(false);
    }
    setLoading(false);
  }, [loadMe]);

  useEffect(() => {
    // Initialising from the browser's session on mount (an external system: the cookie jar).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (hasSession() || cachedProfile()) void resume();
    const expired = () => {
      tokens.clear();
      setMe(null);
      setOffline(false);
    };
    const online = () => void resume();
    window.addEventListener(SESSION_EXPIRED_EVENT, expired);
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener(SESSION_EXPIRED_EVENT, expired);
      window.removeEventListener("online", online);
    };
  }, [resume]);

  const login = useCallback(
    async (email: string, password: string) => {
      const body = new URLSearchParams({ username: email.trim(), password });
      const response = await fetch("/api/v1/auth/token", {
        method: "POST",
        credentials: "same-origin",
        // The refresh token comes back as an HttpOnly cookie, never in the body.
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Token-Delivery": "cookie" },
        body,
      });
      const payload = await response.json().catch(() => ({}));
      if (!response.ok) throw new ApiError(payload);
      tokens.set(payload.access_token);
      setLoading(true);
      await loadMe();
    },
    [loadMe],
  );

  const logout = useCallback(async () => {
    const csrf = csrfToken();
    tokens.clear();
    setMe(null);
    setOffline(false);
    clearDeviceData(cachedProfile()?.id ?? null);
    forgetProfile();
    await fetch("/api/v1/auth/logout", {
      method: "POST",
      credentials: "same-origin",
      headers: csrf ? { "X-CSRF-Token": csrf } : {},
    }).catch(() => undefined);
    forgetSession();
  }, []);

  const reload = useCallback(async () => {
    if (!tokens.access && !hasSession()) return;
    setLoading(true);
    if (!tokens.access) return resume();
    await loadMe();
  }, [loadMe, resume]);

  const value = useMemo(
    () => ({ me, loading, offline, login, logout, reload }),
    [me, loading, offline, login, logout, reload],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const context = useContext(AuthContext);
  if (!context) throw new Error("useAuth fuera de AuthProvider");
  return context;
}
