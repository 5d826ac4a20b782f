import type { FeatureRoute, NetworkLink } from "../types";
import { BarriersPage } from "./BarriersPage";
import { CalendarPage } from "./CalendarPage";
import { CyclePage } from "./CyclePage";
import { CyclesBoard } from "./CyclesBoard";
import { DiagramPage } from "./DiagramPage";
import { EventPage, NewEventPage } from "./EventPages";
import { IntegrationsPage } from "./IntegrationsPage";
import { MeasurePage, MeasuresPage } from "./MeasuresPage";
import { NewCyclePage } from "./NewCyclePage";
import { RosterImportPage } from "./RosterImportPage";

export const routes: FeatureRoute[] = [
  { path: "/redes/:networkId/ciclos", element: <CyclesBoard /> },
  { path: "/redes/:networkId/ciclos/nuevo", element: <NewCyclePage /> },
  { path: "/ciclos/:cycleId", element: <CyclePage /> },
  { path: "/redes/:networkId/diagrama", element: <DiagramPage /> },
  { path: "/redes/:networkId/medidas", element: <MeasuresPage /> },
  { path: "/medidas/:measureId", element: <MeasurePage /> },
  { path: "/redes/:networkId/calendario", element: <CalendarPage /> },
  { path: "/redes/:networkId/calendario/nuevo", element: <NewEventPage /> },
  { path: "/eventos/:eventId", element: <EventPage /> },
  { path: "/redes/:networkId/nomina", element: <RosterImportPage /> },
  { path: "/redes/:networkId/barreras", element: <BarriersPage /> },
  { path: "/redes/:networkId/integraciones", element: <IntegrationsPage /> },
];

export const networkLinks: NetworkLink[] = [
  { label: { es: "Ciclos PHEA", en: "PHEA cycles" }, to: (id) => `/redes/${id}/ciclos` },
  { label: { es: "Diagrama conductor", en: "Driver diagram" }, to: (id) => `/redes/${id}/diagrama` },
  { label: { es: "Medidas", en: "Measures" }, to: (id) => `/redes/${id}/medidas` },
  { label: { es: "Calendario", en: "Calendar" }, to: (id) => `/redes/${id}/calendario` },
  {
    label: { es: "Barreras", en: "Barriers" },
    to: (id) => `/redes/${id}/barreras`,
  },
  {
    label: { es: "Integraciones", en: "Integrations" },
    to: (id) => `/redes/${id}/integraciones`,
    roles: ["coordinator"],
  },
];
