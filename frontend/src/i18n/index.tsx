import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { en } from "./en";
import { es, type Messages } from "./es";
import { translate, type Catalogs } from "./translate";

export type Language = "es" | "en";
const catalogs: Catalogs<Messages> = { es, en };
const STORAGE_KEY = "mejora.language";

type Translate = (key: keyof Messages, vars?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === "en" ? "en" : "es";
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next === "es" ? "es-CL" : "en";
    setLanguageState(next);
  }, []);
  const t = useCallback<Translate>((key, vars) => translate(catalogs, language, key, vars), [language]);
  const value = useMemo(() => ({ language, setLanguage, t }), [language, setLanguage, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error("useI18n fuera de I18nProvider");
  return context;
}

/**
 * Translations for a feature, kept beside it: `const t = useMessages({ es, en })`.
 * The Spanish catalog defines the keys; English falls back to Spanish.
 */
export function useMessages<M extends Record<string, string>>(catalogs: Catalogs<M>) {
  const { language } = useI18n();
  return useCallback(
    (key: keyof M, vars?: Record<string, string | number>): string => translate(catalogs, language, key, vars),
    [language, catalogs],
  );
}

/** Dates are shown in America/Santiago, whatever the device's zone. */
export function formatDate(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(language === "es" ? "es-CL" : "en-GB", {
    dateStyle: "long",
    timeZone: "America/Santiago",
  }).format(new Date(iso));
}
