import { useState } from "react";
import { Link } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { useI18n } from "../../i18n";
import { Loaded, PAGE, Pager, When, clientLabel, collapse, label, useLoad, useT, whatLabel } from "./common";

/** "Quién vio mis datos": the signed-in person's own view log, newest first (GET /api/v1/me/access-log). */
export function MyAccessLogPage() {
  const t = useT();
  const { language } = useI18n();
  const [offset, setOffset] = useState(0);
  const state = useLoad(
    async () => unwrap(await api.GET("/api/v1/me/access-log", { params: { query: { limit: PAGE, offset } } })),
    [offset],
  );
  return (
    <section>
      <p>
        <Link to="/">← {t("back")}</Link>
      </p>
      <h1>{t("myTitle")}</h1>
      <p className="muted">{t("myIntro")}</p>
      <Loaded state={state}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty" data-testid="access-log-empty">
              {t("myEmpty")}
            </p>
          ) : (
            <>
              <div className="obs-table-wrap">
                <table data-testid="access-log">
                  <thead>
                    <tr>
                      <th>{t("when")}</th>
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
