import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { useAuth } from "../auth/AuthContext";
import { useI18n, type Language } from "../i18n";
import type { Messages } from "../i18n/es";

export function roleLabel(t: (key: keyof Messages) => string, role: string): string {
  return t(`role_${role}` as keyof Messages) ?? role;
}

export function LanguageSwitcher() {
  const { language, setLanguage, t } = useI18n();
  return (
    <label className="language">
      <span className="visually-hidden">{t("language")}</span>
      <select value={language} onChange={(e) => setLanguage(e.target.value as Language)} aria-label={t("language")}>
        <option value="es">Español</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { me, logout } = useAuth();
  const { t } = useI18n();
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          {t("appName")}
        </Link>
        <div className="topbar-right">
          <LanguageSwitcher />
          {me && (
            <>
              <span className="who" data-testid="current-user">
                {me.name} · {roleLabel(t, me.role)}
              </span>
              <button type="button" className="secondary" onClick={() => void logout()}>
                {t("logout")}
              </button>
            </>
          )}
        </div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      {t("loading")}
    </p>
  );
}
