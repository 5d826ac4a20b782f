import { useI18n } from "../i18n";

/** The gentle notice of a busy moment (503 `overloaded`): nothing is broken, the user retries in a few seconds. */
export function OverloadedNotice({ onDismiss }: { onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <div
      className="notice overloaded"
      role="status"
      aria-live="polite"
      data-testid="overloaded"
      style={{
        display: "flex",
        gap: "1rem",
        justifyContent: "space-between",
        alignItems: "center",
        marginBottom: "1rem",
      }}
    >
      <span>{t("overloadedText")}</span>
      <button type="button" className="secondary" onClick={onDismiss} aria-label={t("dismiss")}>
        ×
      </button>
    </div>
  );
}

/**
 * A save refused with 412: someone else saved first. The form keeps what the user typed; "Recargar" brings the
 * other person's version (and drops the typed changes, which the user can copy first).
 */
export function StaleAlert({ onReload }: { onReload: () => void }) {
  const { t } = useI18n();
  return (
    <div className="alert stale" role="alert" data-testid="stale-alert">
      <p>{t("staleText")}</p>
      <button type="button" onClick={onReload}>
        {t("reload")}
      </button>
    </div>
  );
}
