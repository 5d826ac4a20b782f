import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, ApiError, SESSION_EXPIRED_EVENT, tokens, unwrap } from "../api/client";
import type { components } from "../api/schema";

export type Me = components["schemas"]["MeRead"];

interface Auth {
  me: Me | null;
  loading: boolean;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  reload: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState<boolean>(Boolean(tokens.access));

  const loadMe = useCallback(async () => {
    try {
      setMe(unwrap(await api.GET("/api/v1/auth/me")));
    } catch (error) {
      // A 401 ends the session; any other failure (a service down) keeps the tokens for a retry.
      if (error instanceof ApiError && error.problem.status === 401) tokens.clear();
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (tokens.access) void loadMe();
    const expired = () => {
      tokens.clear();
      setMe(null);
    };
    window.addEventListener(SESSION_EXPIRED_EVENT, expired);
    return () => window.removeEventListener(SESSION_EXPIRED_EVENT, expired);
  }, [loadMe]);

  const login = useCallback(
    async (email: string, password: string) => {
      const body = new URLSearchParams({ username: email.trim(), password });
      const response = await fetch("/api/v1/auth/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body,
      });
      const payload = await response.json().catch(() => ({}));
      if (!response.ok) throw new ApiError(payload);
      tokens.save(payload.access_token, payload.refresh_token);
      setLoading(true);
      await loadMe();
    },
    [loadMe],
  );

  const logout = useCallback(async () => {
    const refresh = tokens.refresh;
    tokens.clear();
    setMe(null);
    if (refresh) await api.POST("/api/v1/auth/logout", { body: { refresh_token: refresh } }).catch(() => undefined);
  }, []);

  const reload = useCallback(async () => {
    if (!tokens.access) return;
    setLoading(true);
    await loadMe();
  }, [loadMe]);

  const value = useMemo(() => ({ me, loading, login, logout, reload }), [me, loading, login, logout, reload]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const context = useContext(AuthContext);
  if (!context) throw new Error("useAuth fuera de AuthProvider");
  return context;
}
