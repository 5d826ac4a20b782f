import { useCallback, useEffect, useState } from "react";
import { api, refreshTokens, tokens } from "../../api/client";
import type { components } from "../../api/schema";
import { useLoad as useSharedLoad } from "../../components/Loaded";
import { useMessages } from "../../i18n";
import { en, es } from "./messages";

export { Loaded } from "../../components/Loaded";

const catalogs = { es, en };
export const useT = () => useMessages(catalogs);
export type T = ReturnType<typeof useT>;
export type ChartSpec = components["schemas"]["LineChartSpec"] | components["schemas"]["BarChartSpec"];

/**
 * Loads data with `load`, again when `deps` change; the report screens clear it meanwhile and offer no retry
 * (as they always did), so they get neither `reload` nor the old data.
 */
export function useLoad<D>(load: () => Promise<D>, deps: unknown[]) {
  const { data, error } = useSharedLoad(load, deps, { clearOnChange: true });
  return { data, error };
}

/** es-CL number: decimal comma, `digits` decimals; "—" when missing. */
export function num(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat("es-CL", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

export function signedNum(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return "—";
  const text = num(Math.abs(value), digits);
  if (Number(value.toFixed(digits)) === 0) return text;
  return (value > 0 ? "+" : "−") + text;
}

export function BandBadge({ band, reverse = false }: { band: string; reverse?: boolean }) {
  const t = useT();
  const tone = reverse ? (({ low: "high", high: "low" } as Record<string, string>)[band] ?? band) : band;
  return <span className={`band band-${tone}`}>{t(`band_${band}` as keyof typeof es)}</span>;
}

/** The SVG the server draws from a chart spec (the same SVG its HTML and PDF reports embed). */
export function useChartSvg(spec: ChartSpec | null): string | null {
  const [svg, setSvg] = useState<string | null>(null);
  const key = spec ? JSON.stringify(spec) : "";
  useEffect(() => {
    if (!spec) return;
    let cancelled = false;
    api
      .POST("/api/v1/reports/charts:render", { body: spec, params: { query: { format: "svg" } }, parseAs: "text" })
      .then((result) => {
        const text = typeof result.data === "string" ? result.data : null;
        if (!cancelled && result.response.ok && text && isPlainSvg(text)) setSvg(text);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return svg;
}

/** Defence in depth: the server escapes every text, and we refuse anything that is not a plain SVG. */
function isPlainSvg(text: string): boolean {
  return text.startsWith("<svg") && !/<script|<foreignObject|\son[a-z]+\s*=|javascript:/i.test(text);
}

export function ChartView({ spec, label, testId }: { spec: ChartSpec; label: string; testId?: string }) {
  const svg = useChartSvg(spec);
  if (!svg) return <div className="report-chart loading-chart" role="img" aria-label={label} aria-busy="true" />;
  return (
    <div
      className="report-chart"
      role="img"
      aria-label={label}
      data-testid={testId}
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}

/** Downloads a report file with the session's token (a plain link would not carry it). */
export function useDownload() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = useCallback(async (url: string, filename: string) => {
    setBusy(true);
    setError(null);
    try {
      const get = () => fetch(url, { headers: tokens.access ? { Authorization: `Bearer ${tokens.access}` } : {} });
      let response = await get();
      if (response.status === 401 && (await refreshTokens())) response = await get();
      if (!response.ok) {
        const problem = await response.json().catch(() => null);
        throw new Error(problem?.detail ?? `Error ${response.status}`);
      }
      const blob = await response.blob();
      const href = URL.createObjectURL(blob);
      const anchor = document.createElement("a");
      anchor.href = href;
      anchor.download = filename;
      document.body.appendChild(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }, []);
  return { download, busy, error };
}

export function DownloadButton({ url, filename, label }: { url: string; filename: string; label: string }) {
  const { download, busy, error } = useDownload();
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        aria-busy={busy}
        onClick={() => void download(url, filename)}
      >
        {label}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
