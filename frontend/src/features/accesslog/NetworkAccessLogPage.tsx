import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { useI18n } from "../../i18n";
import { usePeople } from "../observations/common";
import { Loaded, PAGE, Pager, When, clientLabel, collapse, label, useLoad, useT, whatLabel } from "./common";

interface Filters {
  teacherId: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { teacherId: "", from: "", to: "" };

/** The network's view log for its coordinators: filter by teacher and dates, newest first. */
export function NetworkAccessLogPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const { language } = useI18n();
  const { people, byId } = usePeople(networkId);
  const teachers = people.filter((p) => p.role === "teacher").sort((a, b) => a.name.localeCompare(b.name, "es"));
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const state = useLoad(
    async () =>
      unwrap(
        await api.GET("/api/v1/observations:access-log", {
          params: {
            query: {
              network_id: networkId,
              teacher_id: filters.teacherId || undefined,
              viewed_from: filters.from || undefined,
              viewed_to: filters.to || undefined,
              limit: PAGE,
              offset,
            },
          },
        }),
      ),
    [networkId, filters, offset],
  );
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setOffset(0);
    setFilters(draft);
  };
  const clear = () => {
    setDraft(NO_FILTERS);
    setFilters(NO_FILTERS);
    setOffset(0);
  };
  return (
    <section>
      <p>
        <Link to={`/redes/${networkId}`}>← {t("back")}</Link>
      </p>
      <h1>{t("networkTitle")}</h1>
      <p className="muted">{t("networkIntro")}</p>
      <form className="filters" onSubmit={apply} data-testid="access-log-filters">
        <label>
          {t("teacher")}
          <select value={draft.teacherId} onChange={(e) => setDraft({ ...draft, teacherId: e.target.value })}>
            <option value="">{t("allTeachers")}</option>
            {teachers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("from")}
          <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label>
          {t("to")}
          <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button type="submit">{t("filter")}</button>
        <button type="button" className="secondary" onClick={clear}>
          {t("clear")}
        </button>
      </form>
      <Loaded state={state}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty" data-testid="access-log-empty">
              {t("networkEmpty")}
            </p>
          ) : (
            <>
              <div className="obs-table-wrap">
                <table data-testid="access-log">
                  <thead>
                    <tr>
                      <th>{t("when")}</th>
                      <th>{t("teacher")}</th>
                      <th>{t("who")}</th>
                      <th>{t("what")}</th>
                      <th>{t("through")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {collapse(page.items).map((entry) => (
                      <tr key={entry.id}>
                        <td>
                          <When iso={entry.viewed_at} language={language} />
                        </td>
                        <td>{byId.get(entry.teacher_id)?.name ?? entry.teacher_id}</td>
                        <td>
                          {entry.viewer.name} <span className="muted">· {label(t, "role", entry.viewer.role)}</span>
                        </td>
                        <td>{whatLabel(t, entry)}</td>
                        <td>{clientLabel(t, entry.client)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager t={t} offset={offset} total={page.total} onOffset={setOffset} />
            </>
          )
        }
      </Loaded>
    </section>
  );
}
