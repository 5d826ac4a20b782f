import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { roleLabel } from "../../components/Layout";
import { formatDate, useI18n } from "../../i18n";
import { NotFoundPage } from "../../pages/StatusPages";
import { networkLinks } from "../index";
import { Loaded, Pager, useLoad, useT, formatDay } from "./common";

const PEOPLE_PAGE = 20;

/** The network page: header, section links of every feature, aim, schools, people and the year's calendar. */
export function NetworkPage() {
  const { networkId = "" } = useParams();
  const { t: tt, language } = useI18n();
  const t = useT();
  const network = useLoad(() => api.GET("/api/v1/networks/{network_id}", { params: { path: { network_id: networkId } } }).then(unwrap), [networkId]);
  if (network.error && [404, 422].includes(network.error.problem.status)) return <NotFoundPage />;
  return (
    <Loaded state={network}>
      {(net) => (
        <section>
          <p>
            <Link to="/">← {tt("back")}</Link>
          </p>
          <h1>{net.name}</h1>
          <p className="muted">
            {tt("slep")}: {net.slep}
          </p>
          <p>{net.description}</p>
          <p className="meta">
            <span>{tt("schools", { count: net.school_count })}</span>
            <span>{tt("people", { count: net.people_count })}</span>
            <span>{tt("yourRole", { role: roleLabel(tt, net.my_role) })}</span>
            <span>{tt("createdOn", { date: formatDate(net.created_at, language) })}</span>
          </p>
          {networkLinks.length > 0 && (
            <nav className="section-links" aria-label={net.name}>
              {networkLinks
                .filter((link) => !link.roles || link.roles.includes(net.my_role))
                .map((link) => (
                  <Link key={link.to(net.id)} to={link.to(net.id)} className="button secondary">
                    {link.label[language]}
                  </Link>
                ))}
            </nav>
          )}
          <AimSection networkId={net.id} t={t} />
          <SchoolsSection networkId={net.id} t={t} />
          <PeopleSection networkId={net.id} t={t} tt={tt} />
          <section>
            <h2>{t("calendarTitle")}</h2>
            <Link to={`/redes/${net.id}/calendario`}>{t("seeCalendar", { year: new Date().getFullYear() })}</Link>
          </section>
        </section>
      )}
    </Loaded>
  );
}

type TT = ReturnType<typeof useT>;

function AimSection({ networkId, t }: { networkId: string; t: TT }) {
  const aims = useLoad(() => api.GET("/api/v1/networks/{network_id}/aims", { params: { path: { network_id: networkId } } }).then(unwrap), [networkId]);
  return (
    <section className="aim" data-testid="network-aim">
      <h2>{t("networkAim")}</h2>
      <Loaded state={aims}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">{t("noAim")}</p>
          ) : (
            page.items.map((aim) => (
              <div key={aim.id} className="card">
                <p className="aim-statement">{aim.statement}</p>
                <p className="meta">
                  {aim.baseline !== null && <span>{t("baseline")}: {aim.baseline}</span>}
                  {aim.target_value !== null && <span>{t("target")}: {aim.target_value}</span>}
                  {aim.target_date && <span>{t("targetDate")}: {formatDay(aim.target_date)}</span>}
                  {aim.focus_domain && <span>{t("focusDomain")}: {aim.focus_domain}</span>}
                </p>
                {aim.measure_description && (
                  <p className="muted">
                    {t("judgedBy")}: {aim.measure_id ? <Link to={`/medidas/${aim.measure_id}`}>{aim.measure_description}</Link> : aim.measure_description}
                  </p>
                )}
              </div>
            ))
          )
        }
      </Loaded>
    </section>
  );
}

function SchoolsSection({ networkId, t }: { networkId: string; t: TT }) {
  const schools = useLoad(() => api.GET("/api/v1/networks/{network_id}/schools", { params: { path: { network_id: networkId }, query: { limit: 200 } } }).then(unwrap), [networkId]);
  return (
    <section>
      <h2>{t("schoolsTitle")}</h2>
      <Loaded state={schools}>
        {(page) => (
          <table data-testid="school-table">
            <thead>
              <tr>
                <th>RBD</th>
                <th>{t("name")}</th>
                <th>{t("commune")}</th>
                <th>{t("levels")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((s) => (
                <tr key={s.id}>
                  <td>{s.rbd}</td>
                  <td>{s.name}</td>
                  <td>{s.commune}</td>
                  <td>{s.levels.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </section>
  );
}

const ROLES = ["coordinator", "facilitator", "coach", "leader", "teacher"] as const;

function PeopleSection({ networkId, t, tt }: { networkId: string; t: TT; tt: ReturnType<typeof useI18n>["t"] }) {
  const [role, setRole] = useState<(typeof ROLES)[number] | "">("");
  const [offset, setOffset] = useState(0);
  const people = useLoad(
    () =>
      api
        .GET("/api/v1/networks/{network_id}/people", {
          params: { path: { network_id: networkId }, query: { limit: PEOPLE_PAGE, offset, ...(role ? { role } : {}) } },
        })
        .then(unwrap),
    [networkId, role, offset],
  );
  return (
    <section>
      <h2>{t("peopleTitle")}</h2>
      <label className="inline">
        {t("role")}
        <select value={role} onChange={(e) => { setRole(e.target.value as typeof role); setOffset(0); }}>
          <option value="">{t("allRoles")}</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabel(tt, r)}
            </option>
          ))}
        </select>
      </label>
      <Loaded state={people}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">{t("noPeople")}</p>
          ) : (
            <>
              <table data-testid="people-table">
                <thead>
                  <tr>
                    <th>{t("name")}</th>
                    <th>{t("role")}</th>
                    <th>RUN</th>
                    <th>{t("levels")}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((p) => (
                    <tr key={p.id}>
                      <td>{p.name}</td>
                      <td>{roleLabel(tt, p.role)}</td>
                      <td>{p.run ?? "—"}</td>
                      <td>{p.levels.join(", ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager total={page.total} limit={page.limit} offset={page.offset} onChange={setOffset} />
            </>
          )
        }
      </Loaded>
    </section>
  );
}
