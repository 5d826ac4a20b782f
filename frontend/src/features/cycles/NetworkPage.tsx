import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { api, unwrap, type ApiError } from "../../api/client";
import type { components } from "../../api/schema";
import { roleLabel } from "../../components/Layout";
import { formatDate, useI18n } from "../../i18n";
import { NotFoundPage } from "../../pages/StatusPages";
import { networkLinks } from "../index";
import { ensureOk, errorsOf, FieldError, levelLabel, Loaded, Pager, parseNumber, ROLES, useLoad, useT, formatDay, newId, type FormProblem } from "./common";
import { PersonForm, SchoolForm, type Person, type School } from "./DirectoryForms";

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
          <AimSection networkId={net.id} t={t} canEdit={["coordinator", "facilitator"].includes(net.my_role)} />
          <Directory networkId={net.id} t={t} tt={tt} manages={net.my_role === "coordinator"} onChange={network.reload} />
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

type Aim = components["schemas"]["AimRead"];
const FOCUS_DOMAINS = ["ES", "CO", "IS"] as const;

function AimSection({ networkId, t, canEdit }: { networkId: string; t: TT; canEdit: boolean }) {
  const aims = useLoad(() => api.GET("/api/v1/networks/{network_id}/aims", { params: { path: { network_id: networkId } } }).then(unwrap), [networkId]);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const saved = () => {
    setEditing(null);
    setNotice(t("aimSaved"));
    aims.reload();
  };
  return (
    <section className="aim" data-testid="network-aim">
      <h2>{t("networkAim")}</h2>
      {notice && <p className="notice" role="status">{notice}</p>}
      <Loaded state={aims}>
        {(page) => (
          <>
            {page.items.length === 0 && editing !== "new" && <p className="empty">{t("noAim")}</p>}
            {page.items.map((aim) =>
              editing === aim.id ? (
                <AimForm key={aim.id} networkId={networkId} aim={aim} t={t} onSaved={saved} onCancel={() => setEditing(null)} />
              ) : (
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
                  {canEdit && editing === null && (
                    <button type="button" className="secondary" onClick={() => { setNotice(""); setEditing(aim.id); }}>
                      {t("editAim")}
                    </button>
                  )}
                </div>
              ),
            )}
            {editing === "new" && <AimForm networkId={networkId} t={t} onSaved={saved} onCancel={() => setEditing(null)} />}
            {canEdit && editing === null && (
              <p>
                <button type="button" className="secondary" onClick={() => { setNotice(""); setEditing("new"); }}>
                  {t("addAimButton")}
                </button>
              </p>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function AimForm({ networkId, aim, t, onSaved, onCancel }: { networkId: string; aim?: Aim; t: TT; onSaved: () => void; onCancel: () => void }) {
  const [id] = useState(newId);
  const measures = useLoad(() => api.GET("/api/v1/networks/{network_id}/measures", { params: { path: { network_id: networkId }, query: { limit: 200 } } }).then(unwrap), [networkId]);
  const [form, setForm] = useState({
    statement: aim?.statement ?? "",
    measure_id: aim?.measure_id ?? "",
    measure_description: aim?.measure_description ?? "",
    baseline: aim?.baseline?.toString() ?? "",
    target_value: aim?.target_value?.toString() ?? "",
    target_date: aim?.target_date ?? "",
    focus_domain: aim?.focus_domain ?? "",
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const body = {
      statement: form.statement,
      measure_id: form.measure_id || null,
      measure_description: form.measure_description,
      baseline: parseNumber(form.baseline),
      target_value: parseNumber(form.target_value),
      target_date: form.target_date || null,
      focus_domain: form.focus_domain || null,
    };
    try {
      if (aim) unwrap(await api.PATCH("/api/v1/aims/{aim_id}", { params: { path: { aim_id: aim.id } }, body }));
      else unwrap(await api.POST("/api/v1/networks/{network_id}/aims", { params: { path: { network_id: networkId } }, body: { id, ...body } }));
      onSaved();
    } catch (err) {
      setProblem(errorsOf(err));
      setBusy(false);
    }
  };
  const fields = problem?.fields ?? {};
  const title = aim ? t("editAim") : t("addAimButton");
  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-label={title} data-testid="aim-form">
      <h3>{title}</h3>
      {problem && <p className="alert" role="alert">{problem.detail}</p>}
      <label>
        {t("statement")}
        <textarea name="statement" rows={3} value={form.statement} onChange={(e) => setForm({ ...form, statement: e.target.value })} aria-invalid={!!fields.statement} />
        <FieldError errors={fields} name="statement" />
      </label>
      <div className="form-row">
        <label className="grow">
          {t("aimMeasure")}
          <select
            name="measure_id"
            value={form.measure_id}
            onChange={(e) => {
              const chosen = measures.data?.items.find((m) => m.id === e.target.value);
              setForm({ ...form, measure_id: e.target.value, measure_description: chosen && !form.measure_description ? chosen.name : form.measure_description });
            }}
            aria-invalid={!!fields.measure_id}
          >
            <option value="">{t("noMeasure")}</option>
            {(measures.data?.items ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          <FieldError errors={fields} name="measure_id" />
        </label>
        <label className="grow">
          {t("measureDescription")}
          <input name="measure_description" value={form.measure_description} onChange={(e) => setForm({ ...form, measure_description: e.target.value })} aria-invalid={!!fields.measure_description} />
          <FieldError errors={fields} name="measure_description" />
        </label>
      </div>
      <div className="form-row">
        <label>
          {t("baseline")}
          <input name="baseline" inputMode="decimal" value={form.baseline} onChange={(e) => setForm({ ...form, baseline: e.target.value })} aria-invalid={!!fields.baseline} />
          <FieldError errors={fields} name="baseline" />
        </label>
        <label>
          {t("targetValue")}
          <input name="target_value" inputMode="decimal" value={form.target_value} onChange={(e) => setForm({ ...form, target_value: e.target.value })} aria-invalid={!!fields.target_value} />
          <FieldError errors={fields} name="target_value" />
        </label>
        <label>
          {t("targetDate")}
          <input name="target_date" type="date" value={form.target_date} onChange={(e) => setForm({ ...form, target_date: e.target.value })} aria-invalid={!!fields.target_date} />
          <FieldError errors={fields} name="target_date" />
        </label>
        <label>
          {t("focusDomain")}
          <select name="focus_domain" value={form.focus_domain} onChange={(e) => setForm({ ...form, focus_domain: e.target.value })} aria-invalid={!!fields.focus_domain}>
            <option value="">{t("noFocus")}</option>
            {FOCUS_DOMAINS.map((d) => (
              <option key={d} value={d}>
                {t(`domain_${d}`)}
              </option>
            ))}
            {form.focus_domain && !(FOCUS_DOMAINS as readonly string[]).includes(form.focus_domain) && <option value={form.focus_domain}>{form.focus_domain}</option>}
          </select>
          <FieldError errors={fields} name="focus_domain" />
        </label>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>{busy ? t("saving") : t("save")}</button>
        <button type="button" className="secondary" onClick={onCancel}>{t("cancel")}</button>
      </div>
    </form>
  );
}

type TTT = ReturnType<typeof useI18n>["t"];

/** Schools and people; coordinators also add, edit and delete them. */
function Directory({ networkId, t, tt, manages, onChange }: { networkId: string; t: TT; tt: TTT; manages: boolean; onChange: () => void }) {
  const schools = useLoad(() => api.GET("/api/v1/networks/{network_id}/schools", { params: { path: { network_id: networkId }, query: { limit: 200 } } }).then(unwrap), [networkId]);
  const changed = () => {
    schools.reload();
    onChange();
  };
  return (
    <>
      <SchoolsSection networkId={networkId} t={t} manages={manages} schools={schools} onChange={changed} />
      <PeopleSection networkId={networkId} t={t} tt={tt} manages={manages} schools={schools.data?.items ?? []} onChange={onChange} />
    </>
  );
}

interface SchoolsState {
  data: { items: School[] } | null;
  error: ApiError | null;
}

function SchoolsSection({ networkId, t, manages, schools, onChange }: { networkId: string; t: TT; manages: boolean; schools: SchoolsState; onChange: () => void }) {
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
  const remove = async (school: School) => {
    setProblem(null);
    try {
      ensureOk(await api.DELETE("/api/v1/schools/{school_id}", { params: { path: { school_id: school.id } } }));
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
      {notice && <p className="notice" role="status">{notice}</p>}
      {problem && <p className="alert" role="alert">{problem.detail}</p>}
      {editing === "new" && <SchoolForm networkId={networkId} t={t} onSaved={saved} onCancel={() => setEditing(null)} />}
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
                        <SchoolForm networkId={networkId} school={s} t={t} onSaved={saved} onCancel={() => setEditing(null)} />
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
                          <button type="button" className="secondary" onClick={() => open(s.id)} aria-label={`${t("edit")} ${s.name}`}>
                            {t("edit")}
                          </button>
                          <button type="button" className="secondary" onClick={() => { open(null); setConfirming(s); }} aria-label={`${t("deleteSchool")} ${s.name}`}>
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

function PeopleSection({ networkId, t, tt, manages, schools, onChange }: { networkId: string; t: TT; tt: TTT; manages: boolean; schools: School[]; onChange: () => void }) {
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
      {notice && <p className="notice" role="status">{notice}</p>}
      {editing === "new" && <PersonForm networkId={networkId} schools={schools} t={t} onSaved={saved} onCancel={() => setEditing(null)} />}
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
                          <PersonForm networkId={networkId} person={p} schools={schools} t={t} onSaved={saved} onCancel={() => setEditing(null)} />
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
                            <button type="button" className="secondary" onClick={() => open(p.id)} aria-label={`${t("edit")} ${p.name}`}>
                              {t("edit")}
                            </button>
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
