import { useCallback, useEffect, useState, type ReactNode } from "react";
import { ApiError } from "../api/client";
import { useI18n } from "../i18n";
import { Loading } from "./Layout";

export interface LoadOptions {
  /** Clear the data while new `deps` load (a "Cargando…" between them); by default the old data stays meanwhile. */
  clearOnChange?: boolean;
}

function asApiError(e: unknown): ApiError {
  return e instanceof ApiError
    ? e
    : new ApiError({ type: "about:blank", title: "Error", status: 0, detail: String(e), code: "error" });
}

/** Loads data with `load`, again when `deps` change or `reload()` is called. */
export function useLoad<D>(load: () => Promise<D>, deps: unknown[], { clearOnChange = false }: LoadOptions = {}) {
  const [data, setData] = useState<D | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    setError(null);
    if (clearOnChange) setData(null);
    load()
      .then((d) => !cancelled && setData(d))
      .catch((e) => !cancelled && setError(asApiError(e)));
    return () => {
      cancelled = true;
    };
    // `deps` are the caller's (as in useEffect); `load` is a new closure on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, setData, error, reload };
}

/**
 * The loading / error / loaded states of `useLoad`: "Cargando…", the API's detail, or `children(data)`. Given a
 * `reload`, a busy moment (503 `overloaded`) shows the gentle message with a retry instead of the detail.
 */
export function Loaded<D>({
  state,
  children,
}: {
  state: { data: D | null; error: ApiError | null; reload?: () => void };
  children: (d: D) => ReactNode;
}) {
  if (state.error?.overloaded && state.reload) return <BusyRetry onRetry={state.reload} />;
  if (state.error)
    return (
      <p className="alert" role="alert">
        {state.error.problem.detail}
      </p>
    );
  if (state.data === null) return <Loading />;
  return <>{children(state.data)}</>;
}

/** A busy moment while loading (503 `overloaded`): the gentle message and a retry. */
function BusyRetry({ onRetry }: { onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <p className="notice" role="status">
      {t("overloadedText")}{" "}
      <button type="button" className="secondary" onClick={onRetry}>
        {t("retry")}
      </button>
    </p>
  );
}

/** A field's error from the API, beside the field (`aria-describedby` points at its id); `alert` announces it. */
export function FieldError({
  errors,
  name,
  alert = true,
}: {
  errors: Record<string, string>;
  name: string;
  alert?: boolean;
}) {
  const message = errors[name];
  return message ? (
    <span className="field-error" id={`${name}-error`} role={alert ? "alert" : undefined}>
      {message}
    </span>
  ) : null;
}
