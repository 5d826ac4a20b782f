import { Link } from "react-router-dom";
import type { Problem } from "../api/client";
import { useI18n } from "../i18n";

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <section className="status-page">
      <h1>{t("notFoundTitle")}</h1>
      <p>{t("notFoundText")}</p>
      <Link to="/">{t("goHome")}</Link>
    </section>
  );
}

export function ServiceDownPage({ problem, onRetry }: { problem: Problem | null; onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <section className="status-page" role="alert" data-testid="service-down">
      <h1>{t("serviceDownTitle")}</h1>
      {problem?.detail && <p className="alert">{problem.detail}</p>}
      <p>{t("serviceDownText")}</p>
      <button type="button" onClick={onRetry}>
        {t("retry")}
      </button>
    </section>
  );
}

/** Before the session could be loaded, the platform was busy (503 `overloaded`): not an outage, just retry. */
export function BusyPage({ onRetry }: { onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <section className="status-page" role="status" data-testid="overloaded">
      <p>{t("overloadedText")}</p>
      <button type="button" onClick={onRetry}>
        {t("retry")}
      </button>
    </section>
  );
}
