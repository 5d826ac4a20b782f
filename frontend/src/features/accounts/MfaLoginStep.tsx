import { useState, type ReactNode } from "react";
import { Link } from "react-router-dom";
import { api, ApiError, tokens, type Problem } from "../../api/client";
import { useAuth } from "../../auth/AuthContext";
import { asError, ErrorAlert, useT } from "./common";
import { CodeForm, RecoveryCodesShown, SecretShown, type Enrolment } from "./MfaSetup";

/** What the login's 401 `mfa_required` carries besides the problem. */
export interface MfaRequired extends Problem {
  mfa_token: string;
  enrolment_required: boolean;
}

export function isMfaRequired(error: unknown): error is ApiError & { problem: MfaRequired } {
  return error instanceof ApiError && error.problem.code === "mfa_required";
}

/**
 * The second step of a login (rendered by the login page): a code from the app or a recovery code, or, when the
 * role requires a second factor the account has not enrolled, the enrolment itself. The session comes back as at
 * login: the access token in memory, the refresh token in the HttpOnly cookie.
 */
export function MfaLoginStep({ challenge, onCancel }: { challenge: MfaRequired; onCancel: () => void }) {
  const t = useT();
  const { reload } = useAuth();
  const [recovery, setRecovery] = useState(false);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [access, setAccess] = useState<string | null>(null);

  const finish = async (token: string) => {
    tokens.set(token);
    await reload();
  };

  async function verify(answer: { code?: string; recovery_code?: string }) {
    setBusy(true);
    setError(null);
    try {
      const result = await api.POST("/api/v1/auth/mfa/challenge", {
        body: { mfa_token: challenge.mfa_token, ...answer },
        headers: { "X-Token-Delivery": "cookie" },
      });
      if (result.error !== undefined || !result.data) throw new ApiError(result.error as Problem);
      if (result.data.recovery_codes) {
        setAccess(result.data.access_token);
        setCodes(result.data.recovery_codes);
      } else await finish(result.data.access_token);
    } catch (err) {
      setError(asError(err));
    } finally {
      setBusy(false);
    }
  }

  async function startEnrolment() {
    setBusy(true);
    setError(null);
    try {
      const result = await api.POST("/api/v1/auth/mfa/challenge/enrolment", {
        body: { mfa_token: challenge.mfa_token },
      });
      if (result.error !== undefined || !result.data) throw new ApiError(result.error as Problem);
      setEnrolment(result.data);
    } catch (err) {
      setError(asError(err));
    } finally {
      setBusy(false);
    }
  }

  if (codes && access)
    return (
      <LoginFrame>
        <RecoveryCodesShown codes={codes} onDone={() => void finish(access)} />
      </LoginFrame>
    );
  const enrolling = challenge.enrolment_required;
  return (
    <LoginFrame>
      <div data-testid="mfa-step">
        <h2>{enrolling ? t("mfaEnrolTitle") : t("mfaTitle")}</h2>
        <ErrorAlert error={error} />
        {enrolling && !enrolment && (
          <>
            <p>{t("mfaEnrolIntro")}</p>
            <button type="button" onClick={() => void startEnrolment()} disabled={busy}>
              {t("mfaEnrolStart")}
            </button>
          </>
        )}
        {enrolling && enrolment && <SecretShown enrolment={enrolment} />}
        {(!enrolling || enrolment) && (
          <>
            {!enrolling && <p>{t("mfaIntro")}</p>}
            <CodeForm
              key={recovery ? "recovery" : "code"}
              label={recovery ? t("mfaRecoveryCode") : t("mfaCode")}
              submitLabel={t("mfaVerify")}
              busy={busy}
              error={error?.problem.detail}
              onSubmit={(value) => void verify(recovery ? { recovery_code: value } : { code: value })}
            />
            {!enrolling && (
              <button type="button" className="secondary" onClick={() => setRecovery(!recovery)}>
                {recovery ? t("mfaUseApp") : t("mfaUseRecovery")}
              </button>
            )}
          </>
        )}
        <button type="button" className="secondary" onClick={onCancel}>
          {t("mfaCancel")}
        </button>
      </div>
    </LoginFrame>
  );
}

function LoginFrame({ children }: { children: ReactNode }) {
  return (
    <div className="login-screen">
      <div className="card login-card">{children}</div>
    </div>
  );
}

/** The login page's link to the forgotten-password page. */
export function ForgotPasswordLink() {
  const t = useT();
  return (
    <p>
      <Link to="/cuenta/olvide">{t("forgotLink")}</Link>
    </p>
  );
}
