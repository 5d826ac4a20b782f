import { useState, type FormEvent } from "react";
import type { components } from "../../api/schema";
import { useT } from "./common";

export type Enrolment = components["schemas"]["MfaEnrolment"];

/** The secret of an enrolment, as text (to type into the app) and as its otpauth:// link. */
export function SecretShown({ enrolment }: { enrolment: Enrolment }) {
  const t = useT();
  return (
    <dl className="mfa-secret">
      <dt>{t("mfaSecret")}</dt>
      <dd>
        <code data-testid="mfa-secret">{enrolment.secret.replace(/(.{4})/g, "$1 ").trim()}</code>
      </dd>
      <dt>{t("mfaUri")}</dt>
      <dd>
        <a href={enrolment.otpauth_uri}>
          <code>{enrolment.otpauth_uri}</code>
        </a>
      </dd>
    </dl>
  );
}

/** A one-field form for a 6-digit code. */
export function CodeForm({
  label,
  submitLabel,
  busy,
  error,
  onSubmit,
}: {
  label: string;
  submitLabel: string;
  busy: boolean;
  error?: string;
  onSubmit: (code: string) => void;
}) {
  const t = useT();
  const [code, setCode] = useState("");
  const [missing, setMissing] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissing(!code.trim());
    if (code.trim()) onSubmit(code.trim());
  };
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <label>
        {label}
        <input
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          aria-invalid={missing || Boolean(error)}
        />
        {missing && <span className="field-error">{t("required")}</span>}
      </label>
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

/** The ten recovery codes, shown once. */
export function RecoveryCodesShown({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useT();
  return (
    <div role="status">
      <h2>{t("recoveryTitle")}</h2>
      <p>{t("recoveryIntro")}</p>
      <ul className="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onDone}>
        {t("recoveryContinue")}
      </button>
    </div>
  );
}
