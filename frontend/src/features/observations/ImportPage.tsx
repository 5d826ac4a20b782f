// Import of observations in long format (coordinators): the file is first checked without saving (dry run, a
// summary), then imported. The API is all-or-nothing: a rejected file lists every row error, shown in a table.
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { FileCheckForm, type FileCheckBusy } from "../../components/FileCheckForm";
import { api, ApiError, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { useMembership, useT } from "./common";
import { uuid4 } from "./EntryPage";

type ImportResult = components["schemas"]["ImportResult"];
interface RowError {
  row: number | null;
  field: string;
  message: string;
}

function rowErrorsOf(err: unknown): RowError[] {
  if (!(err instanceof ApiError)) return [];
  return (err.problem.errors ?? []).map((raw) => {
    const e = raw as { field: string; message: string; row?: number | null };
    return { row: typeof e.row === "number" ? e.row : null, field: e.field, message: e.message };
  });
}

function isJson(file: File): boolean {
  return file.name.toLowerCase().endsWith(".json") || file.type.includes("json");
}

export function ImportPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const membership = useMembership(networkId);
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  // One Idempotency-Key per import attempt, renewed once the server has decided on it.
  const [importKey, setImportKey] = useState(uuid4);
  const [busy, setBusy] = useState<FileCheckBusy>("");
  const [result, setResult] = useState<ImportResult | null>(null);
  const [detail, setDetail] = useState("");
  const [rowErrors, setRowErrors] = useState<RowError[]>([]);

  if (membership && membership.role !== "coordinator") {
    return (
      <p className="alert" role="alert">
        {t("coordinatorsOnly")}
      </p>
    );
  }

  const send = async (dryRun: boolean) => {
    if (!file) {
      setDetail(t("chooseFile"));
      return;
    }
    setBusy(dryRun ? "check" : "import");
    setDetail("");
    setRowErrors([]);
    if (dryRun) setResult(null);
    try {
      const answer = unwrap(
        await api.POST("/api/v1/observations:import", {
          params: { query: { network_id: networkId, dry_run: dryRun } },
          // The file's bytes as they are (the API reads UTF-8 or Latin-1 CSV, and JSON).
          body: file as unknown as string,
          bodySerializer: (body: unknown) => body as Blob,
          // A real import carries a key: a retry after a lost answer replays it instead of importing again.
          headers: {
            "Content-Type": isJson(file) ? "application/json" : "text/csv",
            ...(dryRun ? {} : { "Idempotency-Key": importKey }),
          },
        }),
      );
      setResult(answer);
      if (!dryRun) {
        setImportKey(uuid4());
        setFile(null);
        setInputKey((k) => k + 1);
      }
    } catch (err) {
      const decided = err instanceof ApiError && err.problem.status < 500 && err.problem.code !== "request_in_progress";
      if (!dryRun && decided) setImportKey(uuid4());
      setResult(null);
      setDetail(err instanceof ApiError ? err.problem.detail : String(err));
      setRowErrors(rowErrorsOf(err));
    } finally {
      setBusy("");
    }
  };

  return (
    <section className="obs-import">
      <p>
        <Link to={`/redes/${networkId}/observaciones`}>← {t("observationsTitle")}</Link>
      </p>
      <h1>{t("importTitle")}</h1>
      <p className="muted">{t("importIntro")}</p>
      <FileCheckForm
        fileLabel={t("importFile")}
        accept=".csv,.json,text/csv,application/json,text/plain"
        labels={{ check: t("dryRun"), checking: t("checking"), apply: t("importNow"), applying: t("importing") }}
        busy={busy}
        canApply={Boolean(result?.dry_run)}
        inputKey={inputKey}
        onFile={(chosen) => {
          setFile(chosen);
          setResult(null);
          setDetail("");
          setRowErrors([]);
        }}
        onCheck={() => void send(true)}
        onApply={() => void send(false)}
      />
      {detail && (
        <p className="alert" role="alert" data-testid="import-detail">
          {detail}
        </p>
      )}
      {rowErrors.length > 0 && (
        <>
          <h2>{t("importErrorsTitle")}</h2>
          <div className="obs-table-wrap">
            <table data-testid="import-errors">
              <thead>
                <tr>
                  <th>{t("row")}</th>
                  <th>{t("field")}</th>
                  <th>{t("message")}</th>
                </tr>
              </thead>
              <tbody>
                {rowErrors.map((e, i) => (
                  <tr key={`${e.row}-${e.field}-${i}`}>
                    <td>{e.row ?? "—"}</td>
                    <td>
                      <code>{e.field}</code>
                    </td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {result && (
        <section data-testid="import-result">
          <h2>{result.dry_run ? t("importDryTitle") : t("importDoneTitle")}</h2>
          <p className={result.dry_run ? "notice" : "notice success"} role="status" data-testid="import-summary">
            {result.dry_run
              ? t("importSummary", {
                  rows: result.rows,
                  observations: result.observations,
                  created: result.created,
                  unchanged: result.unchanged,
                })
              : t("importDoneSummary", { created: result.created, unchanged: result.unchanged })}
          </p>
        </section>
      )}
    </section>
  );
}
