import { useCallback, useEffect, useState, type ReactNode } from "react";
import { ApiError } from "../../api/client";
import { Loading } from "../../components/Layout";
import { useMessages } from "../../i18n";
import { en, es } from "./messages";

export const useT = () => useMessages({ es, en });
export type T = ReturnType<typeof useT>;

export const STAGES = ["plan", "do", "study", "act", "closed"] as const;
export type Stage = (typeof STAGES)[number];

/** Loads data with `load`, again when `deps` change or `reload()` is called. */
export function useLoad<D>(load: () => Promise<D>, deps: unknown[]) {
  const [data, setData] = useState<D | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    setError(null);
    load()
      .then((d) => !cancelled && setData(d))
      .catch((e) => !cancelled && setError(e instanceof ApiError ? e : new ApiError({ type: "about:blank", title: "Error", status: 0, detail: String(e), code: "error" })));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, setData, error, reload };
}

export function Loaded<D>({ state, children }: { state: { data: D | null; error: ApiError | null }; children: (d: D) => ReactNode }) {
  if (state.error) return <p className="alert" role="alert">{state.error.problem.detail}</p>;
  if (state.data === null) return <Loading />;
  return <>{children(state.data)}</>;
}

export function FieldError({ errors, name }: { errors: Record<string, string>; name: string }) {
  const message = errors[name];
  return message ? (
    <span className="field-error" id={`${name}-error`} role="alert">
      {message}
    </span>
  ) : null;
}

export function errorsOf(err: unknown): { detail: string; fields: Record<string, string> } {
  if (err instanceof ApiError) return { detail: err.problem.detail, fields: err.fieldErrors() };
  return { detail: String(err), fields: {} };
}

export function Pager({ total, limit, offset, onChange }: { total: number; limit: number; offset: number; onChange: (o: number) => void }) {
  if (total <= limit) return null;
  return (
    <nav className="pager">
      <button type="button" className="secondary" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        ←
      </button>
      <span>
        {offset + 1}–{Math.min(offset + limit, total)} / {total}
      </span>
      <button type="button" className="secondary" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>
        →
      </button>
    </nav>
  );
}

const SANTIAGO = "America/Santiago";

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat("es-CL", { dateStyle: "medium", timeStyle: "short", timeZone: SANTIAGO }).format(new Date(iso));
}

export function formatDay(isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat("es-CL", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function formatMonth(isoDate: string): string {
  const [y, m] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat("es-CL", { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, 1)));
}
