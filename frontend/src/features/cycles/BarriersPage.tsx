import { useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { api, ApiError, etagOf, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import {
  errorsOf,
  FieldError,
  FormAlert,
  formatDateTime,
  Loaded,
  matchHeaders,
  Pager,
  tagOf,
  useLoad,
  useT,
  type FormProblem,
} from "./common";

type Barrier = components["schemas"]["BarrierRead"];
type Status = Barrier["status"];
type Level = Barrier["level"];
const STATUSES: Status[] = ["open", "escalated", "resolved"];
const LEVELS: Level[] = ["classroom", "school", "territory", "slep"];

export function BarriersPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const [status, setStatus] = useState<Status | "">("");
  const [offset, setOffset] = useState(0);
  const barriers = useLoad(
    () =>
      api
        .GET("/api/v1/networks/{network_id}/barriers", {
          params: { path: { network_id: networkId }, query: { offset, limit: 50, ...(status ? { status } : {}) } },
        })
        .then(unwrap),
    [networkId, status, offset],
  );
  const [form, setForm] = useState<{ description: string; level: Level }>({ description: "", level: "school" });
  const [problem, setProblem] = useState<FormProblem>(null);
  const idempotency = useIdempotencyKey();
  // After a 412 on a card: read the list again; the cards start over from the current versions.
  const reload = () => {
    barriers.setData(null);
    barriers.reload();
  };
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      const body = { ...form, status: "open" as const, resolution: "" };
      unwrap(
        await idempotency.send((headers) =>
          api.POST("/api/v1/networks/{network_id}/barriers", {
            params: { path: { network_id: networkId } },
            body,
            headers,
          }),
        ),
      );
      setForm({ description: "", level: "school" });
      barriers.reload();
    } catch (err) {
      setProblem(errorsOf(err));
    }
  };
  const fields = problem?.fields ?? {};
  return (
    <section>
      <p>
        <Link to={`/redes/${networkId}`}>← {t("backToNetwork")}</Link>
      </p>
      <h1>{t("barriersTitle")}</h1>
      <label className="inline">
        {t("status")}
        <select
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as Status | "");
            setOffset(0);
          }}
        >
          <option value="">{t("allStatuses")}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status_${s}`)}
            </option>
          ))}
        </select>
      </label>
      <Loaded state={barriers}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">{t("noBarriers")}</p>
          ) : (
            <>
              <ul className="cards" data-testid="barrier-list">
                {page.items.map((b) => (
                  <BarrierCard key={b.id} barrier={b} onChange={barriers.reload} onReload={reload} />
                ))}
              </ul>
              <Pager total={page.total} limit={page.limit} offset={page.offset} onChange={setOffset} />
            </>
          )
        }
      </Loaded>
      <h2>{t("addBarrier")}</h2>
      <FormAlert problem={problem} onReload={reload} />
      <form onSubmit={create} noValidate>
        <label>
          {t("description")}
          <textarea
            rows={2}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
            aria-invalid={!!fields.description}
          />
          <FieldError errors={fields} name="description" />
        </label>
        <label>
          {t("level")}
          <select value={form.level} onChange={(e) => setForm({ ...form, level: e.target.value as Level })}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`level_${l}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t("addBarrier")}</button>
      </form>
    </section>
  );
}

/** A barrier of the list, changed in place; its ETag is the version read when the user starts editing it. */
function BarrierCard({
  barrier,
  onChange,
  onReload,
}: {
  barrier: Barrier;
  onChange: () => void;
  onReload: () => void;
}) {
  const t = useT();
  const [status, setStatus] = useState<Status>(barrier.status);
  const [resolution, setResolution] = useState(barrier.resolution);
  const [problem, setProblem] = useState<FormProblem>(null);
  const tag = useRef<Promise<string | null> | null>(null);
  // A list item may carry no version: read the barrier itself (once); if it changed since the list was shown, the
  // user is looking at an old version (as after a 412).
  const readTag = (): Promise<string | null> => {
    tag.current ??= (async () => {
      const listed = tagOf(barrier);
      if (listed) return listed;
      const fresh = unwrap(
        await api.GET("/api/v1/barriers/{barrier_id}", { params: { path: { barrier_id: barrier.id } } }),
      );
      const same =
        fresh.status === barrier.status &&
        fresh.resolution === barrier.resolution &&
        fresh.description === barrier.description &&
        fresh.level === barrier.level;
      if (!same)
        throw new ApiError({
          type: "about:blank",
          title: "Precondition Failed",
          status: 412,
          detail: "",
          code: "precondition_failed",
        });
      return etagOf(fresh);
    })();
    tag.current.catch(() => (tag.current = null));
    return tag.current;
  };
  const startEditing = () => {
    readTag().catch((err) => setProblem(errorsOf(err)));
  };
  const save = async () => {
    setProblem(null);
    try {
      unwrap(
        await api.PATCH("/api/v1/barriers/{barrier_id}", {
          params: { path: { barrier_id: barrier.id } },
          body: { status, resolution },
          headers: matchHeaders(await readTag()),
        }),
      );
      onChange();
    } catch (err) {
      setProblem(errorsOf(err));
    }
  };
  const fields = problem?.fields ?? {};
  return (
    <li className={`card barrier status-${barrier.status}`}>
      <p>{barrier.description}</p>
      <p className="meta">
        <span>{t(`level_${barrier.level}`)}</span>
        <span className={`badge status-${barrier.status}`}>{t(`status_${barrier.status}`)}</span>
        <span>{formatDateTime(barrier.created_at)}</span>
      </p>
      {barrier.resolution && (
        <p className="muted">
          {t("resolution")}: {barrier.resolution}
        </p>
      )}
      <div className="inline-form" onFocus={startEditing}>
        <label>
          {t("status")}
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status_${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("resolution")}
          <input
            value={resolution}
            onChange={(e) => setResolution(e.target.value)}
            aria-invalid={!!fields.resolution}
          />
          <FieldError errors={fields} name="resolution" />
        </label>
        <button type="button" className="secondary" onClick={() => void save()}>
          {t("update")}
        </button>
      </div>
      {problem && !fields.resolution && <FormAlert problem={problem} onReload={onReload} />}
    </li>
  );
}
