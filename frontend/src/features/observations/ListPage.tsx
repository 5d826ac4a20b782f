import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, ApiError, unwrap } from "../../api/client";
import { offsetPage } from "../../api/pages";
import type { components } from "../../api/schema";
import { Loading } from "../../components/Layout";
import { formatDate, useI18n } from "../../i18n";
import {
  ClassNotice,
  personName,
  RECORDING_ROLES,
  StatusBadge,
  useInstruments,
  useMembership,
  usePeople,
  useSchools,
  useT,
} from "./common";
import { useSyncQueue } from "./offline";

type ObservationPage = components["schemas"]["Page_ObservationRead_"];
const PAGE_SIZE = 20;

export function ObservationListPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const { language } = useI18n();
  const membership = useMembership(networkId);
  const { byId } = usePeople(networkId);
  const schools = useSchools(networkId);
  const instruments = useInstruments(networkId);
  const { pending, online, syncing, syncNow } = useSyncQueue(networkId);
  const [wave, setWave] = useState("");
  const [status, setStatus] = useState<"" | "draft" | "submitted">("");
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<ObservationPage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setPage(null);
    setError(null);
    api
      .GET("/api/v1/observations", {
        params: {
          query: {
            network_id: networkId,
            wave: wave || undefined,
            status: status || undefined,
            limit: PAGE_SIZE,
            offset,
          },
        },
      })
      .then((result) => !cancelled && setPage(offsetPage(unwrap(result))))
      .catch((err) => !cancelled && setError(err instanceof ApiError ? err.problem.detail : String(err)));
    return () => {
      cancelled = true;
    };
  }, [networkId, wave, status, offset, pending.length]);

  const canRecord = membership && RECORDING_ROLES.includes(membership.role);
  const isCoordinator = membership?.role === "coordinator";

  const download = async (format: "csv" | "json") => {
    try {
      const result = await api.GET("/api/v1/observations:export", {
        params: { query: { network_id: networkId, format, wave: wave || undefined } },
        parseAs: "blob",
      });
      const blob = unwrap(result) as Blob;
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = `observaciones${wave ? `-${wave}` : ""}.${format}`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (err) {
      setError(err instanceof ApiError ? err.problem.detail : String(err));
    }
  };
  const instrumentCode = (id: string) => instruments.find((i) => i.id === id)?.code ?? "";

  return (
    <section className="obs-list">
      <p>
        <Link to={`/redes/${networkId}`}>← {t("back")}</Link>
      </p>
      <div className="obs-entry-head">
        <h1>{t("observationsTitle")}</h1>
        {canRecord && (
          <Link className="button" to={`/redes/${networkId}/observaciones/nueva`}>
            + {t("newObservation")}
          </Link>
        )}
      </div>
      <p className="muted">{t("privacyNotice")}</p>

      {pending.length > 0 && (
        <div className="card obs-pending" data-testid="pending-drafts">
          <h2>{t("pendingOnDevice")}</h2>
          <ul>
            {pending.map((d) => (
              <li key={d.id}>
                <span className="obs-sync obs-sync-pending">
                  {t(d.submitRequested ? "sync_submitPending" : "sync_pending")}
                </span>{" "}
                {personName(byId, d.body.teacher_id, t)} · {d.body.observed_on} ·{" "}
                <Link to={`/redes/${networkId}/observaciones/${d.id}/registro`}>{t("openDraft")}</Link>
                {d.lastError && <span className="field-error"> {d.lastError.detail}</span>}
              </li>
            ))}
          </ul>
          <button type="button" className="secondary" onClick={syncNow} disabled={!online || syncing}>
            {syncing ? t("sync_syncing") : t("syncNow")}
          </button>
        </div>
      )}

      <div className="obs-filters">
        <label>
          {t("wave")}
          <input
            value={wave}
            placeholder={t("allWaves")}
            onChange={(e) => {
              setOffset(0);
              setWave(e.target.value.trim());
            }}
          />
        </label>
        <label>
          {t("status")}
          <select
            value={status}
            onChange={(e) => {
              setOffset(0);
              setStatus(e.target.value as typeof status);
            }}
          >
            <option value="">{t("allStatuses")}</option>
            <option value="draft">{t("status_draft")}</option>
            <option value="submitted">{t("status_submitted")}</option>
          </select>
        </label>
      </div>

      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {!page && !error && <Loading />}
      {page && page.items.length === 0 && <p className="empty">{t("noObservations")}</p>}
      {page && page.items.length > 0 && (
        <div className="obs-table-wrap">
          <table data-testid="observation-list">
            <thead>
              <tr>
                <th>{t("date")}</th>
                <th>{t("teacher")}</th>
                <th>{t("school")}</th>
                <th>{t("instrument")}</th>
                <th>{t("wave")}</th>
                <th>{t("observer")}</th>
                <th>{t("status")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((o) => {
                const mineDraft = o.status === "draft" && membership?.person_id === o.observer_id;
                const to = mineDraft
                  ? `/redes/${networkId}/observaciones/${o.id}/registro`
                  : `/redes/${networkId}/observaciones/${o.id}`;
                return (
                  <tr key={o.id}>
                    <td>
                      <Link to={to}>{formatDate(`${o.observed_on}T12:00:00Z`, language)}</Link>
                    </td>
                    <td>{personName(byId, o.teacher_id, t)}</td>
                    <td>{schools.get(o.school_id)?.name ?? ""}</td>
                    <td>{instrumentCode(o.instrument_id) || o.instrument_code}</td>
                    <td>{o.wave}</td>
                    <td>
                      {personName(byId, o.observer_id, t)}
                      {o.double_codes_id && <span className="muted"> · {t("doubleCoding")}</span>}
                    </td>
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {isCoordinator && (
        <p className="obs-downloads">
          <button type="button" className="secondary" onClick={() => void download("csv")}>
            {t("exportCsv")}
          </button>{" "}
          <button type="button" className="secondary" onClick={() => void download("json")}>
            {t("exportJson")}
          </button>{" "}
          <Link className="button secondary" to={`/redes/${networkId}/observaciones/importar`}>
            {t("importLink")}
          </Link>{" "}
          <Link className="button secondary" to={`/redes/${networkId}/instrumentos`}>
            {t("instrumentsLink")}
          </Link>
        </p>
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
      <ClassNotice />
    </section>
  );
}
