import { useState } from "react";
import { Link } from "react-router-dom";
import { api, ApiError, type Problem } from "../../api/client";
import type { components } from "../../api/schema";
import { Loaded, useLoad } from "../../components/Loaded";
import { asError, ErrorAlert, useT } from "./common";
import { CodeForm, RecoveryCodesShown, SecretShown, type Enrolment } from "./MfaSetup";

type MfaStatus = components["schemas"]["MfaStatus"];

async function call<D>(request: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D | null> {
  const result = await request;
  if (result.error !== undefined) throw new ApiError(result.error as Problem);
  return result.data ?? null;
}

/** My account's second factor: enrol (secret + code), new recovery codes, turn it off (unless my role needs it). */
export function SecurityPage() {
  const t = useT();
  const status = useLoad<MfaStatus>(async () => (await call(api.GET("/api/v1/auth/mfa")))!, []);
  return (
    <section className="card">
      <p>
        <Link to="/">← {t("home")}</Link>
      </p>
      <h1>{t("securityTitle")}</h1>
      <p className="muted">{t("securityIntro")}</p>
      <Loaded state={status}>{(current) => <SecondFactor status={current} onChange={status.reload} />}</Loaded>
    </section>
  );
}

function SecondFactor({ status, onChange }: { status: MfaStatus; onChange: () => void }) {
  const t = useT();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice("");
    try {
      await action();
    } catch (err) {
      setError(asError(err));
    } finally {
      setBusy(false);
    }
  };
  const start = () =>
    run(async () => {
      setEnrolment(await call(api.POST("/api/v1/auth/mfa/enrolment")));
    });
  const confirm = (code: string) =>
    run(async () => {
      const answer = await call(api.POST("/api/v1/auth/mfa/enrolment/confirm", { body: { code } }));
      setEnrolment(null);
      setCodes(answer?.recovery_codes ?? []);
    });
  const regenerate = (code: string) =>
    run(async () => {
      const answer = await call(api.POST("/api/v1/auth/mfa/recovery-codes", { body: { code } }));
      setCodes(answer?.recovery_codes ?? []);
    });
  const disable = (code: string) =>
    run(async () => {
      await call(api.POST("/api/v1/auth/mfa/disable", { body: { code } }));
      setNotice(t("mfaDisabled"));
      onChange();
    });

  if (codes)
    return (
      <RecoveryCodesShown
        codes={codes}
        onDone={() => {
          setCodes(null);
          onChange();
        }}
      />
    );
  return (
    <div data-testid="security-mfa">
      <ErrorAlert error={error} />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <p>{status.enabled ? t("mfaOn") : t("mfaOff")}</p>
      {status.required && <p className="muted">{t("mfaRequired")}</p>}
      {!status.enabled && !enrolment && (
        <button type="button" onClick={() => void start()} disabled={busy}>
          {t("mfaEnable")}
        </button>
      )}
      {!status.enabled && enrolment && (
        <>
          <p>{t("mfaEnrolIntro")}</p>
          <SecretShown enrolment={enrolment} />
          <CodeForm label={t("mfaCode")} submitLabel={t("mfaConfirm")} busy={busy} onSubmit={(c) => void confirm(c)} />
        </>
      )}
      {status.enabled && (
        <>
          <p>{t("recoveryLeft", { count: status.recovery_codes_left })}</p>
          <h2>{t("recoveryRegenerate")}</h2>
          <p className="muted">{t("recoveryRegenerateIntro")}</p>
          <CodeForm
            label={t("mfaCode")}
            submitLabel={t("recoveryRegenerate")}
            busy={busy}
            onSubmit={(c) => void regenerate(c)}
          />
          {!status.required && (
            <>
              <h2>{t("mfaDisable")}</h2>
              <p className="muted">{t("mfaDisableIntro")}</p>
              <CodeForm
                label={t("mfaCode")}
                submitLabel={t("mfaDisable")}
                busy={busy}
                onSubmit={(c) => void disable(c)}
              />
            </>
          )}
        </>
      )}
    </div>
  );
}
