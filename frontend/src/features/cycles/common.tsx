import { Fragment, useCallback, useState, type ReactNode } from "react";
import { ApiError, etagOf, randomId, unwrap } from "../../api/client";
import { FieldError, Loaded, useLoad } from "../../components/Loaded";
import { StaleAlert } from "../../components/Notices";
import { useI18n, useMessages } from "../../i18n";
import { LEVEL_CODES, LEVEL_LABELS } from "../../vocabulary";
import { en, es } from "./messages";

export { FieldError, Loaded, useLoad } from "../../components/Loaded";
export { formatDateTime } from "../../format";

const catalogs = { es, en };
export const useT = () => useMessages(catalogs);
export type T = ReturnType<typeof useT>;

export const STAGES = ["plan", "do", "study", "act", "closed"] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The one resource being edited, read fresh when the form opens (so its ETag is the version the user starts from).
 * `reload` ("Recargar" after a 412) reads it again and the form starts over from the current version.
 */
export function EditFresh<D extends object>({
  load,
  children,
}: {
  load: () => Promise<D>;
  children: (d: D, reload: () => void) => ReactNode;
}) {
  const state = useLoad(load, []);
  const [round, setRound] = useState(0);
  const { setData, reload: readAgain } = state;
  const reload = useCallback(() => {
    setData(null);
    setRound((n) => n + 1);
    readAgain();
  }, [setData, readAgain]);
  return <Loaded state={state}>{(d) => <Fragment key={round}>{children(d, reload)}</Fragment>}</Loaded>;
}

/** For answers without a body (204): throws the ApiError when the request failed. */
export function ensureOk(result: { error?: unknown; response: Response }): void {
  if (result.error !== undefined || !result.response.ok)
    unwrap({ error: result.error ?? {}, response: result.response });
}

/** A failed request as a form shows it: `stale` after a 412 (someone else saved first). */
export function errorsOf(err: unknown): NonNullable<FormProblem> {
  if (err instanceof ApiError)
    return { detail: err.problem.detail, fields: err.fieldErrors(), stale: err.stale, overloaded: err.overloaded };
  return { detail: String(err), fields: {} };
}

/**
 * A form's error: after a 412 the "someone else saved" message with "Recargar" (the typed input stays in the form);
 * in a busy moment the gentle retry message; otherwise the API's detail.
 */
export function FormAlert({ problem, onReload }: { problem: FormProblem; onReload: () => void }) {
  const { t } = useI18n();
  if (!problem) return null;
  if (problem.stale) return <StaleAlert onReload={onReload} />;
  return (
    <p className="alert" role="alert">
      {problem.overloaded ? t("overloadedText") : problem.detail}
    </p>
  );
}

/**
 * The ETag to send back as If-Match for a resource: the one its own read answered (etagOf), else the version a list
 * item carries (`version`, shown as `"<version>"`); null when neither is known.
 */
export function tagOf(resource: object | null | undefined): string | null {
  const read = etagOf(resource);
  if (read) return read;
  const version = (resource as { version?: unknown } | null | undefined)?.version;
  return typeof version === "number" ? `"${version}"` : null;
}

/** `{ "If-Match": … }` for `tagOf(resource)`, nothing when unknown (the API then answers 428 and says so). */
export function matchHeaders(tag: string | null): Record<string, string> {
  return tag ? { "If-Match": tag } : {};
}

export function Pager({
  total,
  limit,
  offset,
  onChange,
}: {
  total: number;
  limit: number;
  offset: number;
  onChange: (o: number) => void;
}) {
  if (total <= limit) return null;
  return (
    <nav className="pager">
      <button
        type="button"
        className="secondary"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit))}
      >
        ←
      </button>
      <span>
        {offset + 1}–{Math.min(offset + limit, total)} / {total}
      </span>
      <button
        type="button"
        className="secondary"
        disabled={offset + limit >= total}
        onClick={() => onChange(offset + limit)}
      >
        →
      </button>
    </nav>
  );
}

const SANTIAGO = "America/Santiago";

export function formatDay(isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat("es-CL", { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

export function formatMonth(isoDate: string): string {
  const [y, m] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat("es-CL", { month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
}

// ---------------------------------------------------------------------------------------------- admin forms

/** The fixed list of levels (the shared vocabulary, as cycles_service.domain.levels), in order. */
export const LEVELS = LEVEL_CODES;
export const ROLES = ["coordinator", "facilitator", "coach", "leader", "teacher"] as const;
export type Role = (typeof ROLES)[number];

export type FormProblem = {
  detail: string;
  fields: Record<string, string>;
  stale?: boolean;
  overloaded?: boolean;
} | null;

/** A level's label (Spanish in both languages, as before); the translator argument is unused. */
export function levelLabel(_t: T, level: string): string {
  return LEVEL_LABELS[level] ?? level;
}

/** Level checkboxes (the fixed list), with the API's error for `levels` beside them. */
export function LevelChecks({
  value,
  onChange,
  fields,
  t,
  name = "levels",
}: {
  value: string[];
  onChange: (v: string[]) => void;
  fields: Record<string, string>;
  t: T;
  name?: string;
}) {
  const toggle = (level: string, on: boolean) => onChange(LEVELS.filter((l) => (l === level ? on : value.includes(l))));
  return (
    <fieldset
      className="checks"
      aria-invalid={!!fields[name]}
      aria-describedby={fields[name] ? `${name}-error` : undefined}
    >
      <legend>{t("levels")}</legend>
      {LEVELS.map((level) => (
        <label key={level} className="check">
          <input type="checkbox" checked={value.includes(level)} onChange={(e) => toggle(level, e.target.checked)} />
          {LEVEL_LABELS[level]}
        </label>
      ))}
      <FieldError errors={fields} name={name} />
    </fieldset>
  );
}

/** The first message among fields named `name` or `name[i]…` (list items). */
export function firstErrorOf(fields: Record<string, string>, name: string): Record<string, string> {
  const key = Object.keys(fields).find((k) => k === name || k.startsWith(`${name}[`));
  return key ? { [name]: fields[key] } : {};
}

/** A client-chosen id for a new record, so a retried create does not duplicate it. */
export const newId = randomId;

/** "12,5" or "12.5" → 12.5; empty → null. */
export function parseNumber(s: string): number | null {
  return s.trim() === "" ? null : Number(s.trim().replace(",", "."));
}

/** An ISO instant as the value of a `datetime-local` input, in Santiago time. */
export function toLocalInput(iso: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: SANTIAGO,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

/** A file error row: line and column when the API gave them (or its field says "línea 3: value"). */
export interface FileError {
  line: number | null;
  column: string;
  message: string;
}

export function fileErrorsOf(err: unknown): FileError[] {
  if (!(err instanceof ApiError)) return [];
  return (err.problem.errors ?? []).map((raw) => {
    const e = raw as { field: string; message: string; line?: number | null; column?: string | null };
    if (typeof e.line === "number") {
      return {
        line: e.line,
        column: e.column ?? "",
        message: e.message.replace(/^Línea \d+(, columna «[^»]*»)?: /, ""),
      };
    }
    const m = /^línea (\d+): (.*)$/i.exec(e.field);
    return m
      ? { line: Number(m[1]), column: m[2], message: e.message }
      : { line: null, column: e.field, message: e.message };
  });
}

export function FileErrorTable({ errors, t, testId }: { errors: FileError[]; t: T; testId: string }) {
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th>{t("line")}</th>
          <th>{t("column")}</th>
          <th>{t("message")}</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((e, i) => (
          <tr key={i}>
            <td>{e.line ?? "—"}</td>
            <td>{e.column || "—"}</td>
            <td>{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
