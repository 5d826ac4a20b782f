import type { FeatureRoute, NetworkLink } from "../types";
import { ObservationDetailPage } from "./DetailPage";
import { ObservationEntryPage } from "./EntryPage";
import { ImportPage } from "./ImportPage";
import { InstrumentFormPage, InstrumentListPage } from "./InstrumentsPage";
import { ObservationListPage } from "./ListPage";
import { ReliabilityPage } from "./ReliabilityPage";

export const routes: FeatureRoute[] = [
  { path: "/redes/:networkId/observaciones", element: <ObservationListPage /> },
  { path: "/redes/:networkId/observaciones/nueva", element: <ObservationEntryPage /> },
  { path: "/redes/:networkId/observaciones/:observationId/registro", element: <ObservationEntryPage /> },
  { path: "/redes/:networkId/observaciones/:observationId", element: <ObservationDetailPage /> },
  { path: "/redes/:networkId/confiabilidad", element: <ReliabilityPage /> },
  { path: "/redes/:networkId/observaciones/importar", element: <ImportPage /> },
  { path: "/redes/:networkId/instrumentos", element: <InstrumentListPage /> },
  { path: "/redes/:networkId/instrumentos/nuevo", element: <InstrumentFormPage /> },
  { path: "/redes/:networkId/instrumentos/:instrumentId/editar", element: <InstrumentFormPage /> },
];

export const networkLinks: NetworkLink[] = [
  {
    label: { es: "Observaciones de aula", en: "Classroom observations" },
    to: (id) => `/redes/${id}/observaciones`,
    roles: ["coordinator", "facilitator", "coach", "teacher"],
  },
  {
    label: { es: "Confiabilidad entre observadores", en: "Observer reliability" },
    to: (id) => `/redes/${id}/confiabilidad`,
    roles: ["coordinator", "facilitator", "coach"],
  },
  {
    label: { es: "Instrumentos de observación", en: "Observation instruments" },
    to: (id) => `/redes/${id}/instrumentos`,
    roles: ["coordinator"],
  },
];
