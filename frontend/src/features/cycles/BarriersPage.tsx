import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { errorsOf, FieldError, formatDateTime, Loaded, Pager, useLoad, useT } from "./common";

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
  const [problem, setProblem] = useState<{ detail: string; fields: Record<string, string> } | null>(null);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      unwrap(await api.POST("/api/v1/networks/{network_id}/barriers", { params: { path: { network_id: networkId } }, body: { ...form, status: "open", resolution: "" } }));
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
        <select value={status} onChange={(e) => { setStatus(e.target.value as Status | ""); setOffset(0); }}>
          <option value="">{t("allStatuses")}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>{t(`status_${s}`)}</option>
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
                  <BarrierCard key={b.id} barrier={b} onChange={barriers.reload} />
                ))}
              </ul>
              <Pager total={page.total} limit={page.limit} offset={page.offset} onChange={setOffset} />
            </>
          )
        }
      </Loaded>
      <h2>{t("addBarrier")}</h2>
      {problem && <p className="alert" role="alert">{problem.detail}</p>}
      <form onSubmit={create} noValidate>
        <label>
          {t("description")}
          <textarea rows={2} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} aria-invalid={!!fields.description} />
          <FieldError errors={fields} name="description" />
        </label>
        <label>
          {t("level")}
          <select value={form.level} onChange={(e) => setForm({ ...form, level: e.target.value as Level })}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>{t(`level_${l}`)}</option>
            ))}
          </select>
        </label>
        <button type="submit">{t("addBarrier")}</button>
      </form>
    </section>
  );
}

function BarrierCard({ barrier, onChange }: { barrier: Barrier; onChange: () => void }) {
  const t = useT();
  const [status, setStatus] = useState<Status>(barrier.status);
  const [resolution, setResolution] = useState(barrier.resolution);
  const [problem, setProblem] = useState<{ detail: string; fields: Record<string, string> } | null>(null);
  const save = async () => {
    setProblem(null);
    try {
      unwrap(await api.PATCH("/api/v1/barriers/{barrier_id}", { params: { path: { barrier_id: barrier.id } }, body: { status, resolution } }));
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
      {barrier.resolution && <p className="muted">{t("resolution")}: {barrier.resolution}</p>}
      <div className="inline-form">
        <label>
          {t("status")}
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{t(`status_${s}`)}</option>
            ))}
          </select>
        </label>
        <label>
          {t("resolution")}
          <input value={resolution} onChange={(e) => setResolution(e.target.value)} aria-invalid={!!fields.resolution} />
          <FieldError errors={fields} name="resolution" />
        </label>
        <button type="button" className="secondary" onClick={() => void save()}>{t("update")}</button>
      </div>
      {problem && !fields.resolution && <p className="alert" role="alert">{problem.detail}</p>}
    </li>
  );
}
