import type { ReactElement } from "react";

/** A page a feature adds to the app's router. */
export interface FeatureRoute {
  path: string;
  element: ReactElement;
}

/** A section link a feature adds to the network page (e.g. "Ciclos PHEA"). */
export interface NetworkLink {
  label: { es: string; en: string };
  to: (networkId: string) => string;
  /** Roles that see the link; all roles when omitted. */
  roles?: string[];
}
