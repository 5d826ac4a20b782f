import { useMessages } from "../../i18n";
import { formatDateTime } from "../../format";
import type { components } from "../../api/schema";
import { en, es, type Messages } from "./messages";

export { Loaded, useLoad } from "../../components/Loaded";

const catalogs = { es, en };
export const useT = () => useMessages(catalogs);
export type T = ReturnType<typeof useT>;
export type Entry = components["schemas"]["ViewLogEntryRead"];
export const PAGE = 20;

function known(key: string): key is keyof Messages {
  return key in es;
}

/** The label of an entry's kind, client or role; the raw value when the catalog does not know it. */
export function label(t: T, prefix: "kind" | "client" | "role", value: string): string {
  const key = `${prefix}_${value}`;
  return known(key) ? t(key) : value;
}

export function clientLabel(t: T, client: string): string {
  return label(t, "client", client.split(":", 1)[0]);
}

/** Kinds about one observation: their label says it already. */
const SINGLE = new Set(["observation", "scores", "amendments", "feedback"]);

export function whatLabel(t: T, entry: Entry): string {
  const n = entry.observation_ids.length;
  const count = n === 1 ? t("oneObservation") : n > 1 ? t("observations", { count: n }) : "";
  const what = label(t, "kind", entry.kind);
  return count && !SINGLE.has(entry.kind) ? `${what} · ${count}` : what;
}

export function When({ iso, language }: { iso: string; language: string }) {
  return <time dateTime={iso}>{formatDateTime(iso, language)}</time>;
}

/**
 * One line per view: the rows one request left for the same teacher, viewer and kind (a feedback reads the
 * observation, its scores and the teacher's earlier ones) are shown together, their observations joined.
 */
export function collapse(entries: Entry[]): Entry[] {
  const shown: Entry[] = [];
  for (const entry of entries) {
    const last = shown[shown.length - 1];
    const same =
      last !== undefined &&
      entry.request_id !== null &&
      last.request_id === entry.request_id &&
      last.teacher_id === entry.teacher_id &&
      last.kind === entry.kind &&
      last.viewer.account_id === entry.viewer.account_id;
    if (same) {
      const ids = [
        ...last.observation_ids,
        ...entry.observation_ids.filter((id) => !last.observation_ids.includes(id)),
      ];
      shown[shown.length - 1] = { ...last, observation_ids: ids };
    } else {
      shown.push(entry);
    }
  }
  return shown;
}

/** Previous / next for an offset page. */
export function Pager({
  t,
  offset,
  total,
  onOffset,
}: {
  t: T;
  offset: number;
  total: number;
  onOffset: (offset: number) => void;
}) {
  if (total <= PAGE) return null;
  return (
    <nav className="pager" aria-label={t("range", { first: offset + 1, last: Math.min(offset + PAGE, total), total })}>
      <button type="button" className="secondary" disabled={offset === 0} onClick={() => onOffset(offset - PAGE)}>
        ← {t("previous")}
      </button>
      <span>{t("range", { first: offset + 1, last: Math.min(offset + PAGE, total), total })}</span>
      <button
        type="button"
        className="secondary"
        disabled={offset + PAGE >= total}
        onClick={() => onOffset(offset + PAGE)}
      >
        {t("next")} →
      </button>
    </nav>
  );
}
