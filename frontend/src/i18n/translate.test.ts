import { describe, expect, it } from "vitest";
import * as accounts from "../features/accounts/messages";
import * as cycles from "../features/cycles/messages";
import * as integrations from "../features/cycles/integrationsMessages";
import * as observations from "../features/observations/messages";
import * as reports from "../features/reports/messages";
import { en } from "./en";
import { es } from "./es";
import { translate, type Catalogs } from "./translate";

const sample: Catalogs<{ hello: string; only: string; count: string }> = {
  es: { hello: "Hola, {name}", only: "Solo en español", count: "{n} de {n}" },
  en: { hello: "Hello, {name}" },
};

describe("translate", () => {
  it("uses the English text when the language is English", () => {
    expect(translate(sample, "en", "hello", { name: "Ana" })).toBe("Hello, Ana");
  });

  it("falls back to Spanish when English lacks the key", () => {
    expect(translate(sample, "en", "only")).toBe("Solo en español");
  });

  it("uses Spanish for Spanish even when English has the key", () => {
    expect(translate(sample, "es", "hello", { name: "Ana" })).toBe("Hola, Ana");
  });

  it("treats any other language as Spanish", () => {
    expect(translate(sample, "fr", "hello", { name: "Ana" })).toBe("Hola, Ana");
  });

  it("replaces every occurrence of a placeholder, numbers included", () => {
    expect(translate(sample, "es", "count", { n: 3 })).toBe("3 de 3");
  });

  it("leaves a placeholder without a value as written", () => {
    expect(translate(sample, "es", "hello")).toBe("Hola, {name}");
  });
});

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the app's catalogs", () => {
  const pairs: [string, Catalogs<Record<string, string>>][] = [
    ["shell", { es, en }],
    ["cycles", cycles],
    ["integrations", integrations],
    ["observations", observations],
    ["reports", reports],
    ["accounts", accounts],
  ];

  it.each(pairs)("%s: every English text keeps the Spanish placeholders", (_name, catalogs) => {
    const mismatched = Object.entries(catalogs.en)
      .filter(
        ([key, text]) => text !== undefined && placeholders(text).join() !== placeholders(catalogs.es[key]).join(),
      )
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });

  it.each(pairs)("%s: English defines no key Spanish lacks", (_name, catalogs) => {
    expect(Object.keys(catalogs.en).filter((key) => !(key in catalogs.es))).toEqual([]);
  });
});
