import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import { offsetPage } from "../../api/pages";
import { formatDate, useI18n } from "../../i18n";
import { Loaded, useLoad, useT } from "./common";

const PAGE = 20;

/** The submitted observations the caller may see (a teacher: her own), each linking to its feedback. */
export function FeedbackListPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const { language } = useI18n();
  const [offset, setOffset] = useState(0);
  const state = useLoad(
    async () =>
      offsetPage(
        unwrap(
          await api.GET("/api/v1/observations", {
            params: {
              query: { network_id: networkId, status: "submitted", double_coding: false, limit: PAGE, offset },
            },
          }),
        ),
      ),
    [networkId, offset],
  );
  return (
    <section>
      <p>
        <Link to={`/redes/${networkId}`}>← {t("back")}</Link>
      </p>
      <h1>{t("feedbackListTitle")}</h1>
      <p className="muted">{t("feedbackListIntro")}</p>
      <Loaded state={state}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">{t("noFeedback")}</p>
          ) : (
            <>
              <ul className="feedback-list">
                {page.items.map((o) => (
                  <li key={o.id} className="card">
                    <span>
                      {formatDate(`${o.observed_on}T12:00:00Z`, language)} · {t("wave", { wave: o.wave })}
                    </span>
                    <Link className="button" to={`/observaciones/${o.id}/devolucion`} data-testid="open-feedback">
                      {t("openFeedback")}
                    </Link>
                  </li>
                ))}
              </ul>
              {page.total > PAGE && (
                <nav className="pager">
                  <button
                    type="button"
                    className="secondary"
                    disabled={offset === 0}
                    onClick={() => setOffset(Math.max(0, offset - PAGE))}
                  >
                    ←
                  </button>
                  <span>
                    {offset + 1}–{Math.min(offset + PAGE, page.total)} / {page.total}
                  </span>
                  <button
                    type="button"
                    className="secondary"
                    disabled={offset + PAGE >= page.total}
                    onClick={() => setOffset(offset + PAGE)}
                  >
                    →
                  </button>
                </nav>
              )}
            </>
          )
        }
      </Loaded>
    </section>
  );
}
