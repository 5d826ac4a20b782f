// The network page lives with the cycles feature (aim, schools, people, calendar and every feature's section links).
export { NetworkPage } from "../features/cycles/NetworkPage";
