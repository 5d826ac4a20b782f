import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { networkLinks } from "../features";
import { api, ApiError, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { Loading, roleLabel } from "../components/Layout";
import { formatDate, useI18n } from "../i18n";
import { NotFoundPage } from "./StatusPages";

type Network = components["schemas"]["NetworkRead"];

export function NetworkPage() {
  const { networkId = "" } = useParams();
  const { t, language } = useI18n();
  const [network, setNetwork] = useState<Network | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    api
      .GET("/api/v1/networks/{network_id}", { params: { path: { network_id: networkId } } })
      .then((result) => !cancelled && setNetwork(unwrap(result)))
      .catch((err) => !cancelled && err instanceof ApiError && setError(err));
    return () => {
      cancelled = true;
    };
  }, [networkId]);

  if (error && [404, 422].includes(error.problem.status)) return <NotFoundPage />;
  if (error) return <p className="alert" role="alert">{error.problem.detail}</p>;
  if (!network) return <Loading />;
  return (
    <section>
      <p>
        <Link to="/">← {t("back")}</Link>
      </p>
      <h1>{network.name}</h1>
      <p className="muted">
        {t("slep")}: {network.slep}
      </p>
      <p>{network.description}</p>
      <p className="meta">
        <span>{t("schools", { count: network.school_count })}</span>
        <span>{t("people", { count: network.people_count })}</span>
        <span>{t("yourRole", { role: roleLabel(t, network.my_role) })}</span>
        <span>{t("createdOn", { date: formatDate(network.created_at, language) })}</span>
      </p>
      {networkLinks.length > 0 && (
        <nav className="section-links" aria-label={network.name}>
          {networkLinks
            .filter((link) => !link.roles || link.roles.includes(network.my_role))
            .map((link) => (
              <Link key={link.to(network.id)} to={link.to(network.id)} className="button secondary">
                {link.label[language]}
              </Link>
            ))}
        </nav>
      )}
    </section>
  );
}
