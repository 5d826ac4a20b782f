import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { FileCheckForm, type FileCheckBusy } from "../../components/FileCheckForm";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { errorsOf, FileErrorTable, fileErrorsOf, Loaded, useLoad, useT, type FileError, type T } from "./common";

type Report = components["schemas"]["RosterReport"];

/** Roster import for coordinators: a dry run first (what would change), then "Importar"; a rejected file lists every error. */
export function RosterImportPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const network = useLoad(
    () => api.GET("/api/v1/networks/{network_id}", { params: { path: { network_id: networkId } } }).then(unwrap),
    [networkId],
  );
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const [busy, setBusy] = useState<FileCheckBusy>("");
  const [report, setReport] = useState<Report | null>(null);
  const [detail, setDetail] = useState("");
  const [fileErrors, setFileErrors] = useState<FileError[]>([]);

  const send = async (dryRun: boolean) => {
    if (!file) {
      setDetail(t("chooseFile"));
      return;
    }
    setBusy(dryRun ? "check" : "import");
    setDetail("");
    setFileErrors([]);
    if (dryRun) setReport(null);
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      const result = unwrap(
        await api.POST("/api/v1/networks/{network_id}/roster:import", {
          params: { path: { network_id: networkId }, query: { dry_run: dryRun } },
          // Sent as multipart: openapi-fetch passes FormData through and the browser sets the boundary.
          body: form as unknown as { file?: string },
        }),
      );
      setReport(result);
      if (!dryRun) {
        setFile(null);
        setInputKey((k) => k + 1);
      }
    } catch (err) {
      setReport(null);
      setDetail(errorsOf(err).detail);
      setFileErrors(fileErrorsOf(err));
    } finally {
      setBusy("");
    }
  };

  return (
    <section>
      <p>
        <Link to={`/redes/${networkId}`}>← {network.data?.name ?? t("rosterTitle")}</Link>
      </p>
      <h1>{t("rosterTitle")}</h1>
      <Loaded state={network}>
        {(net) =>
          net.my_role !== "coordinator" ? (
            <p className="alert" role="alert">
              {/* The API refuses anyway (403); the screen only says so up front. */}
              {t("coordinatorsOnly")}
            </p>
          ) : (
            <>
              <p className="muted">{t("rosterIntro")}</p>
              <FileCheckForm
                fileLabel={t("csvFile")}
                accept=".csv,text/csv,text/plain"
                labels={{
                  check: t("dryRun"),
                  checking: t("checking"),
                  apply: t("importNow"),
                  applying: t("importing"),
                }}
                busy={busy}
                canApply={Boolean(report?.dry_run)}
                inputKey={inputKey}
                onFile={(chosen) => {
                  setFile(chosen);
                  setReport(null);
                  setDetail("");
                  setFileErrors([]);
                }}
                onCheck={() => void send(true)}
                onApply={() => void send(false)}
              />
              {detail && (
                <p className="alert" role="alert">
                  {detail}
                </p>
              )}
              {fileErrors.length > 0 && (
                <>
                  <h2>{t("fileErrors")}</h2>
                  <FileErrorTable errors={fileErrors} t={t} testId="roster-errors" />
                </>
              )}
              {report && <RosterReportView report={report} t={t} />}
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function RosterReportView({ report, t }: { report: Report; t: T }) {
  return (
    <section data-testid="roster-report">
      <h2>{report.dry_run ? t("dryRunTitle") : t("importedTitle")}</h2>
      <p className={report.dry_run ? "notice" : "notice success"} role="status" data-testid="roster-summary">
        {t("rosterSummary", {
          sc: report.schools.created,
          su: report.schools.updated,
          sn: report.schools.unchanged,
          pc: report.people.created,
          pu: report.people.updated,
          pn: report.people.unchanged,
        })}
      </p>
      <p className="muted">
        {t("rosterRows", { rows: report.rows, encoding: report.encoding, delimiter: report.delimiter })}
        {report.ignored_columns.length > 0 && (
          <> {t("ignoredColumns", { columns: report.ignored_columns.join(", ") })}</>
        )}
      </p>
      {report.changes.length === 0 ? (
        <p className="empty">{t("noChanges")}</p>
      ) : (
        <table data-testid="roster-changes">
          <thead>
            <tr>
              <th>{t("line")}</th>
              <th>{t("entity")}</th>
              <th>{t("action")}</th>
              <th>{t("key")}</th>
              <th>{t("name")}</th>
              <th>{t("changedFields")}</th>
            </tr>
          </thead>
          <tbody>
            {report.changes.map((c) => (
              <tr key={`${c.entity}-${c.key}`}>
                <td>{c.line}</td>
                <td>{t(`entity_${c.entity}`)}</td>
                <td>{t(`action_${c.action}`)}</td>
                <td>{c.key}</td>
                <td>{c.name}</td>
                <td>{c.fields.join(", ") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
