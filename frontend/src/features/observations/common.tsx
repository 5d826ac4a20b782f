import { useEffect, useState } from "react";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { useAuth } from "../../auth/AuthContext";
import { useMessages } from "../../i18n";
import { LEVEL_CODES, OBSERVATION_LEVEL_LABELS } from "../../vocabulary";
import { es, en } from "./messages";
import { cacheGet, cacheSet } from "./offline";

export type Instrument = components["schemas"]["InstrumentRead"];
export type Person = components["schemas"]["PersonRead"];
export type School = components["schemas"]["SchoolRead"];
export type Band = "low" | "mid" | "high";

const catalogs = { es, en };
export const useT = () => useMessages(catalogs);

/** The caller's membership (role, person) in a network, from the session. */
export function useMembership(networkId: string) {
  const { me } = useAuth();
  return me?.memberships.find((m) => m.network_id === networkId) ?? null;
}

export const RECORDING_ROLES = ["coach", "facilitator", "coordinator"];

/** Everyone in the network (names for ids), cached on the device for offline use. */
export function usePeople(networkId: string): { people: Person[]; byId: Map<string, Person> } {
  const [people, setPeople] = useState<Person[]>(() => cacheGet<Person[]>(`people.${networkId}`) ?? []);
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const all: Person[] = [];
      for (let offset = 0; offset < 2000; offset += 200) {
        const page = unwrap(
          await api.GET("/api/v1/networks/{network_id}/people", {
            params: { path: { network_id: networkId }, query: { limit: 200, offset } },
          }),
        );
        all.push(...page.items);
        if (all.length >= page.total || page.items.length === 0) break;
      }
      if (!cancelled) {
        setPeople(all);
        cacheSet(`people.${networkId}`, all);
      }
    })().catch(() => undefined); // offline or not allowed: keep the cached list
    return () => {
      cancelled = true;
    };
  }, [networkId]);
  return { people, byId: new Map(people.map((p) => [p.id, p])) };
}

/** The network's schools (names for ids), cached on the device. */
export function useSchools(networkId: string): Map<string, School> {
  const [items, setItems] = useState<School[]>(() => cacheGet<School[]>(`schools.${networkId}`) ?? []);
  useEffect(() => {
    let cancelled = false;
    api
      .GET("/api/v1/networks/{network_id}/schools", {
        params: { path: { network_id: networkId }, query: { limit: 200 } },
      })
      .then((result) => {
        const page = unwrap(result);
        if (!cancelled) {
          setItems(page.items);
          cacheSet(`schools.${networkId}`, page.items);
        }
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [networkId]);
  return new Map(items.map((s) => [s.id, s]));
}

/** Instruments the network may use (latest versions), cached on the device. */
export function useInstruments(networkId: string): Instrument[] {
  const [items, setItems] = useState<Instrument[]>(() => cacheGet<Instrument[]>(`instruments.${networkId}`) ?? []);
  useEffect(() => {
    let cancelled = false;
    api
      .GET("/api/v1/instruments", { params: { query: { network_id: networkId, limit: 200 } } })
      .then((result) => {
        const page = unwrap(result);
        if (!cancelled) {
          setItems(page.items);
          cacheSet(`instruments.${networkId}`, page.items);
        }
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [networkId]);
  return items;
}

export function isClass(code: string | undefined): boolean {
  return Boolean(code && code.startsWith("class"));
}

export function ClassNotice() {
  const t = useT();
  return (
    <p className="notice obs-trademark" data-testid="class-notice">
      {t("classNotice")}
    </p>
  );
}

export function BandBadge({ band }: { band: Band }) {
  const t = useT();
  return <span className={`obs-band obs-band-${band}`}>{t(`band_${band}`)}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  const t = useT();
  return (
    <span className={`obs-status obs-status-${status}`}>
      {t(status === "submitted" ? "status_submitted" : "status_draft")}
    </span>
  );
}

export function personName(byId: Map<string, Person>, id: string, t: ReturnType<typeof useT>): string {
  return byId.get(id)?.name ?? t("unknownPerson", { id: id.slice(0, 8) });
}

export function formatNumber(value: number | null | undefined, language: string, digits = 2): string {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(language === "es" ? "es-CL" : "en-GB", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** Today in America/Santiago as YYYY-MM-DD. */
export function todayInSantiago(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/Santiago" }).format(new Date());
}

/** The default wave label: the year and the semester (2024-1 until July, 2024-2 from August). */
export function defaultWave(isoDate: string): string {
  const [year, month] = isoDate.split("-").map(Number);
  return `${year}-${month <= 7 ? 1 : 2}`;
}

/** The fixed list of levels and their names on observation screens (the shared vocabulary). */
export const LEVELS = LEVEL_CODES;
export const LEVEL_NAMES = OBSERVATION_LEVEL_LABELS;
