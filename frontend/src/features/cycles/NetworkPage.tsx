import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, unwrap, type ApiError } from "../../api/client";
import { roleLabel } from "../../components/Layout";
import { formatDate, useI18n } from "../../i18n";
import { NotFoundPage } from "../../pages/StatusPages";
import { networkLinks } from "../index";
import {
  EditFresh,
  ensureOk,
  errorsOf,
  FormAlert,
  levelLabel,
  Loaded,
  matchHeaders,
  Pager,
  ROLES,
  tagOf,
  useLoad,
  useT,
  type FormProblem,
} from "./common";
import { AimSection } from "./AimSection";
import { AccountActions } from "../accounts/AccountActions";
import { PersonForm, SchoolForm, type Person, type School } from "./DirectoryForms";

const PEOPLE_PAGE = 20;

/** The network page: header, section links of every feature, aim, schools, people and the year's calendar. */
export function NetworkPage() {
  const { networkId = "" } = useParams();
  const { t: tt, language } = useI18n();
  const t = useT();
  const network = useLoad(
    () => api.GET("/api/v1/networks/{network_id}", { params: { path: { network_id: networkId } } }).then(unwrap),
    [networkId],
  );
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
          <AimSection networkId={net.id} t={t} canEdit={["coordinator", "facilitator"].includes(net.my_role)} />
          <Directory
            networkId={net.id}
            t={t}
            tt={tt}
            manages={net.my_role === "coordinator"}
            onChange={network.reload}
          />
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

type TTT = ReturnType<typeof useI18n>["t"];

/** Schools and people; coordinators also add, edit and delete them. */
function Directory({
  networkId,
  t,
  tt,
  manages,
  onChange,
}: {
  networkId: string;
  t: TT;
  tt: TTT;
  manages: boolean;
  onChange: () => void;
}) {
  const schools = useLoad(
    () =>
      api
        .GET("/api/v1/networks/{network_id}/schools", {
          params: { path: { network_id: networkId }, query: { limit: 200 } },
        })
        .then(unwrap),
    [networkId],
  );
  const changed = () => {
    schools.reload();
    onChange();
  };
  return (
    <>
      <SchoolsSection networkId={networkId} t={t} manages={manages} schools={schools} onChange={changed} />
      <PeopleSection
        networkId={networkId}
        t={t}
        tt={tt}
        manages={manages}
        schools={schools.data?.items ?? []}
        onChange={onChange}
      />
    </>
  );
}

interface SchoolsState {
  data: { items: School[] } | null;
  error: ApiError | null;
}

function SchoolsSection({
  networkId,
  t,
  manages,
  schools,
  onChange,
}: {
  networkId: string;
  t: TT;
  manages: boolean;
  schools: SchoolsState;
  onChange: () => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<School | null>(null);
  const [notice, setNotice] = useState("");
  const [problem, setProblem] = useState<FormProblem>(null);
  const open = (what: string | null) => {
    setNotice("");
    setProblem(null);
    setConfirming(null);
    setEditing(what);
  };
  const saved = () => {
    setEditing(null);
    setNotice(t("schoolSaved"));
    onChange();
  };
  // The dialog asks about the school as read now; its ETag goes with the DELETE (412 if it changed meanwhile).
  const ask = async (school: School) => {
    open(null);
    try {
      setConfirming(
        unwrap(await api.GET("/api/v1/schools/{school_id}", { params: { path: { school_id: school.id } } })),
      );
    } catch (err) {
      setProblem(errorsOf(err));
    }
  };
  const remove = async (school: School) => {
    setProblem(null);
    try {
      ensureOk(
        await api.DELETE("/api/v1/schools/{school_id}", {
          params: { path: { school_id: school.id } },
          headers: matchHeaders(tagOf(school)),
        }),
      );
      setConfirming(null);
      setNotice(t("schoolDeleted", { name: school.name }));
      onChange();
    } catch (err) {
      setConfirming(null);
      setProblem(errorsOf(err));
    }
  };
  return (
    <section data-testid="schools-section">
      <div className="cycles-head">
        <h2>{t("schoolsTitle")}</h2>
        {manages && (
          <span className="actions">
            <button type="button" className="secondary" onClick={() => open("new")} disabled={editing === "new"}>
              {t("addSchool")}
            </button>
            <Link to={`/redes/${networkId}/nomina`} className="button secondary">
              {t("rosterLink")}
            </Link>
          </span>
        )}
      </div>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <FormAlert
        problem={problem}
        onReload={() => {
          setProblem(null);
          onChange();
        }}
      />
      {editing === "new" && (
        <SchoolForm networkId={networkId} t={t} onSaved={saved} onCancel={() => setEditing(null)} />
      )}
      {confirming && (
        <div className="card confirm" role="alertdialog" aria-label={t("deleteSchool")}>
          <p>{t("confirmDelete", { name: confirming.name })}</p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => void remove(confirming)}>
              {t("confirmDeleteYes")}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(null)}>
              {t("cancel")}
            </button>
          </div>
        </div>
      )}
      <Loaded state={schools}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">{t("noSchools")}</p>
          ) : (
            <table data-testid="school-table">
              <thead>
                <tr>
                  <th>RBD</th>
                  <th>{t("name")}</th>
                  <th>{t("commune")}</th>
                  <th>{t("levels")}</th>
                  {manages && <th>{t("actions")}</th>}
                </tr>
              </thead>
              <tbody>
                {page.items.map((s) =>
                  editing === s.id ? (
                    <tr key={s.id}>
                      <td colSpan={5}>
                        <EditFresh
                          load={() =>
                            api
                              .GET("/api/v1/schools/{school_id}", { params: { path: { school_id: s.id } } })
                              .then(unwrap)
                          }
                        >
                          {(fresh, reload) => (
                            <SchoolForm
                              networkId={networkId}
                              school={fresh}
                              t={t}
                              onSaved={saved}
                              onCancel={() => setEditing(null)}
                              onReload={reload}
                            />
                          )}
                        </EditFresh>
                      </td>
                    </tr>
                  ) : (
                    <tr key={s.id}>
                      <td>{s.rbd}</td>
                      <td>{s.name}</td>
                      <td>{s.commune}</td>
                      <td>{s.levels.map((l) => levelLabel(t, l)).join(", ")}</td>
                      {manages && (
                        <td className="row-actions">
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => open(s.id)}
                            aria-label={`${t("edit")} ${s.name}`}
                          >
                            {t("edit")}
                          </button>
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => void ask(s)}
                            aria-label={`${t("deleteSchool")} ${s.name}`}
                          >
                            {t("deleteSchool")}
                          </button>
                        </td>
                      )}
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

function PeopleSection({
  networkId,
  t,
  tt,
  manages,
  schools,
  onChange,
}: {
  networkId: string;
  t: TT;
  tt: TTT;
  manages: boolean;
  schools: School[];
  onChange: () => void;
}) {
  const [role, setRole] = useState<(typeof ROLES)[number] | "">("");
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const people = useLoad(
    () =>
      api
        .GET("/api/v1/networks/{network_id}/people", {
          params: { path: { network_id: networkId }, query: { limit: PEOPLE_PAGE, offset, ...(role ? { role } : {}) } },
        })
        .then(unwrap),
    [networkId, role, offset],
  );
  const schoolName = (id: string | null) => (id ? (schools.find((s) => s.id === id)?.name ?? "—") : t("networkWide"));
  const open = (what: string | null) => {
    setNotice("");
    setEditing(what);
  };
  const saved = (p: Person) => {
    setEditing(null);
    setNotice(`${t("personSaved")} ${p.name}`);
    people.reload();
    onChange();
  };
  return (
    <section data-testid="people-section">
      <div className="cycles-head">
        <h2>{t("peopleTitle")}</h2>
        {manages && (
          <button type="button" className="secondary" onClick={() => open("new")} disabled={editing === "new"}>
            {t("addPerson")}
          </button>
        )}
      </div>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {editing === "new" && (
        <PersonForm networkId={networkId} schools={schools} t={t} onSaved={saved} onCancel={() => setEditing(null)} />
      )}
      <label className="inline">
        {t("role")}
        <select
          value={role}
          onChange={(e) => {
            setRole(e.target.value as typeof role);
            setOffset(0);
          }}
        >
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
                    <th>{t("school")}</th>
                    <th>{t("levels")}</th>
                    {manages && <th>{t("actions")}</th>}
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((p) =>
                    editing === p.id ? (
                      <tr key={p.id}>
                        <td colSpan={6}>
                          <EditFresh
                            load={() =>
                              api
                                .GET("/api/v1/people/{person_id}", { params: { path: { person_id: p.id } } })
                                .then(unwrap)
                            }
                          >
                            {(fresh, reload) => (
                              <PersonForm
                                networkId={networkId}
                                person={fresh}
                                schools={schools}
                                t={t}
                                onSaved={saved}
                                onCancel={() => setEditing(null)}
                                onReload={reload}
                              />
                            )}
                          </EditFresh>
                        </td>
                      </tr>
                    ) : (
                      <tr key={p.id}>
                        <td>{p.name}</td>
                        <td>{roleLabel(tt, p.role)}</td>
                        <td>{p.run ?? "—"}</td>
                        <td>{schoolName(p.school_id)}</td>
                        <td>{p.levels.map((l) => levelLabel(t, l)).join(", ")}</td>
                        {manages && (
                          <td className="row-actions">
                            <button
                              type="button"
                              className="secondary"
                              onClick={() => open(p.id)}
                              aria-label={`${t("edit")} ${p.name}`}
                            >
                              {t("edit")}
                            </button>
                            <AccountActions networkId={networkId} person={p} />
                          </td>
                        )}
                      </tr>
                    ),
                  )}
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
