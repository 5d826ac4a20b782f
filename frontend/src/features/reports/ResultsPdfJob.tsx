import { useEffect, useState } from "react";
import { ApiError, api, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import { useDownload, useT } from "./common";

type Job = components["schemas"]["JobOut"];

/** How often the screen asks for the job's progress while it runs. */
const POLL_MS = 700;

const running = (job: Job | null) => job !== null && (job.state === "queued" || job.state === "running");

/**
 * The results PDF as a background job (issue 12): the button creates the job, a progress bar follows it, and the
 * file downloads once the worker has laid it out. The figures are the ones shown on the page (same wave,
 * comparison and release), read when the job is created.
 */
export function ResultsPdfJob({
  networkId,
  wave,
  compare,
  release,
}: {
  networkId: string;
  wave: string;
  compare: string;
  release: string;
}) {
  const t = useT();
  const idempotency = useIdempotencyKey();
  const { download, busy: downloading, error: downloadError } = useDownload();
  const [job, setJob] = useState<Job | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!job || !running(job)) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      void api
        .GET("/api/v1/reports/jobs/{job_id}", { params: { path: { job_id: job.id } } })
        .then((result) => {
          if (!cancelled) setJob(unwrap(result));
        })
        .catch((e: unknown) => {
          if (!cancelled) setError(e instanceof Error ? e.message : String(e));
        });
    }, POLL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [job]);

  const start = async () => {
    setStarting(true);
    setError(null);
    setJob(null);
    try {
      const result = await idempotency.send((headers) =>
        api.POST("/api/v1/reports/networks/{network_id}/results/jobs", {
          params: { path: { network_id: networkId } },
          body: {
            wave,
            format: "pdf",
            ...(compare ? { compare } : {}),
            ...(release ? { release: Number(release) } : {}),
          },
          headers,
        }),
      );
      setJob(unwrap(result));
    } catch (e) {
      setError(e instanceof ApiError ? e.problem.detail : String(e));
    } finally {
      setStarting(false);
    }
  };

  const ended = job !== null && (job.state === "failed" || job.state === "expired");
  return (
    <span className="pdf-job" data-testid="pdf-job">
      <button
        type="button"
        className="secondary"
        disabled={starting || running(job)}
        aria-busy={starting || running(job)}
        onClick={() => void start()}
      >
        {ended ? t("jobRetry") : t("downloadPdf")}
      </button>
      {running(job) && job && (
        <span role="status" className="job-progress">
          <progress max={100} value={job.progress} aria-label={t("jobProgress")} />{" "}
          <span className="muted small">
            {t("jobWorking")} {job.message} ({job.progress} %)
          </span>
        </span>
      )}
      {job?.state === "done" && job.file_url && (
        <span role="status" className="job-ready">
          {t("jobReady")}{" "}
          <button
            type="button"
            className="link"
            disabled={downloading}
            aria-busy={downloading}
            onClick={() => void download(job.file_url ?? "", job.filename)}
          >
            {t("jobDownload")}
          </button>
        </span>
      )}
      {ended && job && (
        <span className="field-error" role="alert">
          {t("jobFailed")} {job.error ?? job.message}
        </span>
      )}
      {(error ?? downloadError) && (
        <span className="field-error" role="alert">
          {error ?? downloadError}
        </span>
      )}
    </span>
  );
}
