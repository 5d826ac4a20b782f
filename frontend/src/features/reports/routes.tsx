import type { FeatureRoute, NetworkLink } from "../types";
import { CyclesLogPage } from "./CyclesLogPage";
import { FeedbackListPage } from "./FeedbackListPage";
import { FeedbackPage } from "./FeedbackPage";
import { ResultsPage } from "./ResultsPage";

export const routes: FeatureRoute[] = [
  { path: "/observaciones/:observationId/devolucion", element: <FeedbackPage /> },
  { path: "/redes/:networkId/devoluciones", element: <FeedbackListPage /> },
  { path: "/redes/:networkId/resultados", element: <ResultsPage /> },
  { path: "/redes/:networkId/bitacora", element: <CyclesLogPage /> },
];

export const networkLinks: NetworkLink[] = [
  {
    label: { es: "Devoluciones", en: "Feedback" },
    to: (id) => `/redes/${id}/devoluciones`,
    roles: ["coordinator", "coach", "teacher"],
  },
  { label: { es: "Resultados de la red", en: "Network results" }, to: (id) => `/redes/${id}/resultados` },
  { label: { es: "Bitácora PHEA", en: "PHEA learning log" }, to: (id) => `/redes/${id}/bitacora` },
];
