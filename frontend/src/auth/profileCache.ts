// The last user's profile, kept on the device so the app opens offline (drafts included) and asks for a login only
// once the connection is back. It holds no token: only what GET /api/v1/auth/me answered. Logout removes it.
import type { components } from "../api/schema";

type Me = components["schemas"]["MeRead"];

export const PROFILE_KEY = "mejora.profile";

export function cachedProfile(): Me | null {
  try {
    const raw = localStorage.getItem(PROFILE_KEY);
    return raw ? (JSON.parse(raw) as Me) : null;
  } catch {
    return null;
  }
}

export function rememberProfile(profile: Me): void {
  try {
    localStorage.setItem(PROFILE_KEY, JSON.stringify(profile));
  } catch {
    // storage full: the cache is only a convenience
  }
}

export function forgetProfile(): void {
  localStorage.removeItem(PROFILE_KEY);
}
