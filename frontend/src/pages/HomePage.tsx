import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { api, ApiError, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { Loading, roleLabel } from "../components/Layout";
import { useI18n } from "../i18n";

type NetworkPage = components["schemas"]["Page_NetworkRead_"];
const PAGE_SIZE = 20;

export function HomePage() {
  const { t } = useI18n();
  const [page, setPage] = useState<NetworkPage | null>(null);
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setPage(null);
    api
      .GET("/api/v1/networks", { params: { query: { limit: PAGE_SIZE, offset } } })
      .then((result) => !cancelled && setPage(unwrap(result)))
      .catch((err) => !cancelled && setError(err instanceof ApiError ? err.problem.detail : String(err)));
    return () => {
      cancelled = true;
    };
  }, [offset]);

  return (
    <section>
      <h1>{t("myNetworks")}</h1>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {!page && !error && <Loading />}
      {page && page.items.length === 0 && <p className="empty">{t("noNetworks")}</p>}
      {page && page.items.length > 0 && (
        <ul className="cards" data-testid="network-list">
          {page.items.map((network) => (
            <li key={network.id} className="card">
              <h2>
                <Link to={`/redes/${network.id}`}>{network.name}</Link>
              </h2>
              <p className="muted">{network.slep}</p>
              <p>{network.description}</p>
              <p className="meta">
                <span>{t("schools", { count: network.school_count })}</span>
                <span>{t("people", { count: network.people_count })}</span>
                <span>{t("yourRole", { role: roleLabel(t, network.my_role) })}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
      {page && page.total > PAGE_SIZE && (
        <nav className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            {t("previous")}
          </button>
          <span>
            {t("pageOf", { from: offset + 1, to: Math.min(offset + PAGE_SIZE, page.total), total: page.total })}
          </span>
          <button
            type="button"
            disabled={offset + PAGE_SIZE >= page.total}
            onClick={() => setOffset(offset + PAGE_SIZE)}
          >
            {t("next")}
          </button>
        </nav>
      )}
    </section>
  );
}
