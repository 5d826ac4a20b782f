import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { LanguageSwitcher } from "../components/Layout";
import { ForgotPasswordLink, isMfaRequired, MfaLoginStep, type MfaRequired } from "../features/accounts/MfaLoginStep";
import { useI18n } from "../i18n";

export function LoginPage() {
  const { login } = useAuth();
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [mfa, setMfa] = useState<MfaRequired | null>(null); // the second step (features/accounts)

  async function submit(event: FormEvent) {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!email.trim()) missing.username = t("required");
    if (!password) missing.password = t("required");
    setFieldErrors(missing);
    if (Object.keys(missing).length) return;
    setBusy(true);
    setError(null);
    try {
      await login(email, password);
    } catch (err) {
      if (isMfaRequired(err)) setMfa(err.problem);
      else if (err instanceof ApiError && err.overloaded) setError(t("overloadedText"));
      else setError(err instanceof ApiError ? err.problem.detail : t("loginFailed"));
      if (err instanceof ApiError) setFieldErrors(err.fieldErrors());
    } finally {
      setBusy(false);
    }
  }

  if (mfa) return <MfaLoginStep challenge={mfa} onCancel={() => setMfa(null)} />;
  return (
    <div className="login-screen">
      <form className="card login-card" onSubmit={submit} noValidate>
        <div className="login-head">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <div>
            <h1>{t("appName")}</h1>
            <p className="muted">{t("tagline")}</p>
          </div>
        </div>
        <h2>{t("loginTitle")}</h2>
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
        <label>
          {t("email")}
          <input
            name="email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={Boolean(fieldErrors.username)}
          />
          {fieldErrors.username && <span className="field-error">{fieldErrors.username}</span>}
        </label>
        <label>
          {t("password")}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={Boolean(fieldErrors.password)}
          />
          {fieldErrors.password && <span className="field-error">{fieldErrors.password}</span>}
        </label>
        <button type="submit" disabled={busy}>
          {busy ? t("loggingIn") : t("login")}
        </button>
        <ForgotPasswordLink />
        <LanguageSwitcher />
      </form>
    </div>
  );
}
