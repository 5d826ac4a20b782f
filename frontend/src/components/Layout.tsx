import { useState, type ReactNode } from "react";
import { Link } from "react-router-dom";
import { useAuth } from "../auth/AuthContext";
import { pendingDrafts } from "../features/observations/offline";
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
  const { me, logout, offline } = useAuth();
  const { t } = useI18n();
  // Logout warns first when drafts of this device are not sent yet (they are kept until sent).
  const [unsent, setUnsent] = useState(0);
  const askLogout = () => {
    const count = pendingDrafts().length;
    if (count > 0) setUnsent(count);
    else void logout();
  };
  const confirmLogout = async () => {
    setUnsent(0);
    await logout();
  };
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
              <button type="button" className="secondary" onClick={askLogout}>
                {t("logout")}
              </button>
            </>
          )}
        </div>
      </header>
      {offline && (
        <p className="notice" role="status" data-testid="offline-session">
          {t("offlineSession")}
        </p>
      )}
      {unsent > 0 && (
        <div className="card logout-confirm" role="alertdialog" aria-labelledby="logout-pending-title">
          <h2 id="logout-pending-title">{t("logoutPendingTitle")}</h2>
          <p data-testid="logout-pending">{t("logoutPendingText", { count: unsent })}</p>
          <button type="button" onClick={() => void confirmLogout()}>
            {t("logoutAnyway")}
          </button>
          <button type="button" className="secondary" onClick={() => setUnsent(0)}>
            {t("cancel")}
          </button>
        </div>
      )}
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
