/** An instant as a medium date and a short time in America/Santiago, whatever the device's zone. */
export function formatDateTime(iso: string, language: string = "es"): string {
  return new Intl.DateTimeFormat(language === "es" ? "es-CL" : "en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "America/Santiago",
  }).format(new Date(iso));
}
