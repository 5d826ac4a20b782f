import type { FeatureRoute, NetworkLink } from "../types";

export const routes: FeatureRoute[] = [];

export const networkLinks: NetworkLink[] = [];
