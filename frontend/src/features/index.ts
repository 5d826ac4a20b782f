// The features' pages and network-page links, in one place for the router and the network page.
import * as accesslog from "./accesslog/routes";
import * as accounts from "./accounts/routes";
import * as cycles from "./cycles/routes";
import * as observations from "./observations/routes";
import * as reports from "./reports/routes";

export const featureRoutes = [
  ...cycles.routes,
  ...observations.routes,
  ...reports.routes,
  ...accesslog.routes,
  ...accounts.routes,
];
export const networkLinks = [
  ...cycles.networkLinks,
  ...observations.networkLinks,
  ...reports.networkLinks,
  ...accesslog.networkLinks,
  ...accounts.networkLinks,
];
