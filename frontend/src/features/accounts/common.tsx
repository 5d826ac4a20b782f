import { useState, type ReactNode } from "react";
import { Link, useLocation } from "react-router-dom";
import { ApiError } from "../../api/client";
import { LanguageSwitcher } from "../../components/Layout";
import { useMessages } from "../../i18n";
import { en, es } from "./messages";

const catalogs = { es, en };
export const useT = () => useMessages(catalogs);
export type T = ReturnType<typeof useT>;

/** The rule the server applies (schemas/account_lifecycle.py, NewPassword). */
export const MIN_PASSWORD = 12;

/** The link's secret: after `#token=` (a fragment is never sent to the server nor written in its logs). */
export function useLinkToken(): string {
  const { hash } = useLocation();
  return new URLSearchParams(hash.replace(/^#/, "")).get("token") ?? "";
}

/** Any failure as an ApiError (a network failure has no problem body: its message is shown). */
export function asError(error: unknown): ApiError {
  return error instanceof ApiError
    ? error
    : new ApiError({ type: "about:blank", title: "Error", status: 0, detail: String(error), code: "error" });
}

/** The standalone card of the pages reached without a session (the login screen's frame). */
export function AccountScreen({ title, children }: { title: string; children: ReactNode }) {
  const t = useT();
  return (
    <div className="login-screen">
      <div className="card login-card">
        <h1>{title}</h1>
        {children}
        <p>
          <Link to="/">{t("back")}</Link>
        </p>
        <LanguageSwitcher />
      </div>
    </div>
  );
}

/** Two password fields with the length rule, checked before sending; `value` is the password once valid. */
export function usePasswordFields(t: T) {
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const check = (): boolean => {
    const found: Record<string, string> = {};
    if (password.length < MIN_PASSWORD) found.password = t("passwordTooShort", { min: MIN_PASSWORD });
    else if (password !== again) found.again = t("passwordMismatch");
    setErrors(found);
    return Object.keys(found).length === 0;
  };
  const fields = (serverErrors: Record<string, string>) => (
    <>
      <label>
        {t("password")}
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={Boolean(errors.password || serverErrors.password)}
          aria-describedby="password-rule"
        />
        <span id="password-rule" className="muted">
          {t("passwordRule", { min: MIN_PASSWORD })}
        </span>
        {(errors.password || serverErrors.password) && (
          <span className="field-error">{errors.password || serverErrors.password}</span>
        )}
      </label>
      <label>
        {t("passwordAgain")}
        <input
          name="password-again"
          type="password"
          autoComplete="new-password"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
          aria-invalid={Boolean(errors.again)}
        />
        {errors.again && <span className="field-error">{errors.again}</span>}
      </label>
    </>
  );
  return { password, check, fields };
}

export function ErrorAlert({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p className="alert" role="alert">
      {error.problem.detail}
    </p>
  );
}
