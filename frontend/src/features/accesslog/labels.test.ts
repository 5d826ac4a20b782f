// The access log's labels: every kind, client and role the API sends has Spanish text; unknown values show as sent.
import { describe, expect, it } from "vitest";
import { translate } from "../../i18n/translate";
import { clientLabel, collapse, label, whatLabel, type Entry, type T } from "./common";
import { en, es } from "./messages";

const t: T = (key, vars) => translate({ es, en }, "es", key, vars);
const tEn: T = (key, vars) => translate({ es, en }, "en", key, vars);

function entry(kind: string, ids: string[], request_id: string | null = null): Entry {
  return {
    id: `${kind}-${ids.join()}-${request_id}`,
    viewed_at: "2026-12-01T12:00:00Z",
    network_id: "n",
    teacher_id: "t",
    viewer: { account_id: "a", person_id: null, name: "Camila", role: "coordinator" },
    client: "web",
    kind,
    observation_ids: ids,
    filters: {},
    request_id,
  };
}

describe("access log labels", () => {
  it("names every kind the observations service records", () => {
    for (const kind of [
      "observation",
      "scores",
      "amendments",
      "observations",
      "scores_export",
      "export",
      "feedback",
      "trajectory",
    ]) {
      expect(label(t, "kind", kind)).not.toBe(kind);
    }
    expect(label(t, "kind", "algo_nuevo")).toBe("algo_nuevo");
  });

  it("names the client without the integration's id, and the reports service as a report", () => {
    expect(clientLabel(t, "integration:6c3b49c7")).toBe("Integración (sistema del SLEP)");
    expect(clientLabel(t, "reports")).toBe("Informe (devolución o trayectoria)");
    expect(clientLabel(t, "service:reports")).toBe("Servicio interno");
    expect(clientLabel(tEn, "web")).toBe("Web app");
  });

  it("counts the observations seen", () => {
    expect(whatLabel(t, entry("observation", ["o1"]))).toBe("Una observación");
    expect(whatLabel(t, entry("observations", ["o1"]))).toBe("Una lista de observaciones · 1 observación");
    expect(whatLabel(t, entry("observations", ["o1", "o2"]))).toBe("Una lista de observaciones · 2 observaciones");
    expect(whatLabel(t, entry("export", []))).toBe("Exportación de observaciones");
  });
});

describe("one line per view", () => {
  it("joins the rows one request left for the same teacher, viewer and kind", () => {
    const rows = [
      entry("feedback", ["o2"], "r1"),
      entry("feedback", ["o1", "o2"], "r1"),
      entry("feedback", ["o2"], "r2"),
      entry("scores", ["o2"], "r2"),
      entry("observation", ["o2"]),
      entry("observation", ["o2"]),
    ];
    const shown = collapse(rows);
    expect(shown.map((e) => [e.kind, e.request_id, e.observation_ids])).toEqual([
      ["feedback", "r1", ["o2", "o1"]],
      ["feedback", "r2", ["o2"]],
      ["scores", "r2", ["o2"]],
      ["observation", null, ["o2"]],
      ["observation", null, ["o2"]],
    ]);
  });
});
