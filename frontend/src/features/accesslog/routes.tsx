import type { FeatureRoute, NetworkLink } from "../types";
import { MyAccessLogPage } from "./MyAccessLogPage";
import { NetworkAccessLogPage } from "./NetworkAccessLogPage";

export const routes: FeatureRoute[] = [
  { path: "/mis-datos/accesos", element: <MyAccessLogPage /> },
  { path: "/redes/:networkId/accesos", element: <NetworkAccessLogPage /> },
];

export const networkLinks: NetworkLink[] = [
  {
    label: { es: "Quién vio mis datos", en: "Who viewed my data" },
    to: () => "/mis-datos/accesos",
    roles: ["teacher", "leader", "coach", "facilitator", "coordinator"],
  },
  {
    label: { es: "Registro de accesos", en: "Access log" },
    to: (id) => `/redes/${id}/accesos`,
    roles: ["coordinator"],
  },
];
