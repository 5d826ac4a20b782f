/** A catalog pair: Spanish defines every key; English may lack some. */
export interface Catalogs<M extends Record<string, string>> {
  es: M;
  en: Partial<M>;
}

/**
 * The text of `key` in `language`, falling back to Spanish when English lacks it, with every `{name}` replaced by
 * `vars.name`. Pure, so the fallback is tested without React.
 */
export function translate<M extends Record<string, string>>(
  catalogs: Catalogs<M>,
  language: string,
  key: keyof M,
  vars?: Record<string, string | number>,
): string {
  let text: string = (language === "en" ? catalogs.en[key] : undefined) ?? catalogs.es[key];
  for (const [name, value] of Object.entries(vars ?? {})) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}
