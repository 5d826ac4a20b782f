import type { FeatureRoute, NetworkLink } from "../types";
import { SecurityPage } from "./SecurityPage";

// The public pages (invitation, forgot and reset password) are served before the login: PublicPages.tsx.
export const routes: FeatureRoute[] = [{ path: "/cuenta/seguridad", element: <SecurityPage /> }];

export const networkLinks: NetworkLink[] = [
  {
    label: { es: "Seguridad de mi cuenta", en: "My account's security" },
    to: () => "/cuenta/seguridad",
  },
];
