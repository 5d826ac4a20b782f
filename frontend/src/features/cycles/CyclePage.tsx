import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api, ApiError, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import { Loading } from "../../components/Layout";
import { NotFoundPage } from "../../pages/StatusPages";
import { errorsOf, FieldError, formatDateTime, STAGES, useT, type FormProblem, type Stage, type T } from "./common";
import { StaleAlert } from "../../components/Notices";
import { useI18n } from "../../i18n";

type Cycle = components["schemas"]["CycleRead"];
type Update = components["schemas"]["CycleUpdate"];
type Question = components["schemas"]["Question"];

const TEXT_FIELDS: Record<Exclude<Stage, "closed">, (keyof Update)[]> = {
  plan: ["plan_who", "plan_what", "plan_when", "plan_where", "plan_data_collection"],
  do: ["do_what_happened", "do_problems", "do_observations"],
  study: ["study_learning"],
  act: ["act_next_steps"],
};

function editable(cycle: Cycle): Update {
  const { objective, questions, plan_who, plan_what, plan_when, plan_where, plan_data_collection } = cycle;
  return {
    objective,
    questions,
    plan_who,
    plan_what,
    plan_when,
    plan_where,
    plan_data_collection,
    do_carried_out_on: cycle.do_carried_out_on,
    do_what_happened: cycle.do_what_happened,
    do_problems: cycle.do_problems,
    do_observations: cycle.do_observations,
    study_learning: cycle.study_learning,
    act_decision: cycle.act_decision,
    act_next_steps: cycle.act_next_steps,
  };
}

export function CyclePage() {
  const { cycleId = "" } = useParams();
  const t = useT();
  const { t: tt } = useI18n();
  const navigate = useNavigate();
  const [cycle, setCycle] = useState<Cycle | null>(null);
  const [etag, setEtag] = useState("");
  const [draft, setDraft] = useState<Update>({});
  const [dirty, setDirty] = useState(false);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<FormProblem>(null);
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState(false);
  const [reopenTo, setReopenTo] = useState<Stage>("plan");
  const nextKey = useIdempotencyKey();

  const accept = useCallback((data: Cycle, response: Response) => {
    setCycle(data);
    setDraft(editable(data));
    setDirty(false);
    setEtag(response.headers.get("ETag") ?? `"${data.revision}"`);
  }, []);

  const load = useCallback(async () => {
    const result = await api.GET("/api/v1/cycles/{cycle_id}", { params: { path: { cycle_id: cycleId } } });
    accept(unwrap(result), result.response);
  }, [cycleId, accept]);

  // "Recargar" after a 412: the other person's version replaces the draft (the user asked for it).
  const reload = () => {
    setProblem(null);
    setNotice("");
    load().catch((err) => setProblem(errorsOf(err)));
  };

  useEffect(() => {
    setCycle(null);
    load().catch((err) => setLoadError(err instanceof ApiError ? err : null));
  }, [load]);

  if (loadError && [404, 422].includes(loadError.problem.status)) return <NotFoundPage />;
  if (loadError)
    return (
      <p className="alert" role="alert">
        {loadError.problem.detail}
      </p>
    );
  if (!cycle) return <Loading />;

  const stage = cycle.stage as Stage;
  const set = (changes: Update) => {
    setDraft((d) => ({ ...d, ...changes }));
    setDirty(true);
  };

  const save = async (): Promise<string> => {
    if (!dirty) return etag;
    const result = await api.PATCH("/api/v1/cycles/{cycle_id}", {
      params: { path: { cycle_id: cycleId }, header: { "If-Match": etag } },
      body: draft,
    });
    // On 412 the draft stays on screen: unwrap throws and the alert offers "Recargar".
    const data = unwrap(result);
    accept(data, result.response);
    return result.response.headers.get("ETag") ?? `"${data.revision}"`;
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    setNotice("");
    try {
      await action();
    } catch (err) {
      setProblem(errorsOf(err));
    } finally {
      setBusy(false);
    }
  };

  const onSave = () =>
    run(async () => {
      await save();
      setNotice(t("saved"));
    });

  const onAdvance = () =>
    run(async () => {
      const tag = await save();
      const result = await api.POST("/api/v1/cycles/{cycle_id}/advance", {
        params: { path: { cycle_id: cycleId }, header: { "If-Match": tag } },
      });
      accept(unwrap(result), result.response);
    });

  const onReopen = () =>
    run(async () => {
      const result = await api.POST("/api/v1/cycles/{cycle_id}/reopen", {
        params: { path: { cycle_id: cycleId }, header: { "If-Match": etag } },
        body: { to_stage: reopenTo, reason: "" },
      });
      accept(unwrap(result), result.response);
    });

  const onNext = () =>
    run(async () => {
      const next = unwrap(
        await nextKey.send((headers) =>
          api.POST("/api/v1/cycles/{cycle_id}/next", {
            params: { path: { cycle_id: cycleId } },
            headers: { ...headers, "If-Match": etag },
          }),
        ),
      );
      navigate(`/ciclos/${next.id}`);
    });

  const fields = problem?.fields ?? {};
  const nextStage = STAGES[STAGES.indexOf(stage) + 1];
  return (
    <section className="cycle-page">
      <p>
        <Link to={`/redes/${cycle.network_id}/ciclos`}>← {t("board")}</Link>
      </p>
      <h1>{cycle.title}</h1>
      <p className="meta">
        <span>
          {t("owner")}: {cycle.owner_name}
        </span>
        {cycle.previous_cycle_id && <Link to={`/ciclos/${cycle.previous_cycle_id}`}>{t("previousCycle")}</Link>}
        {cycle.next_cycle_id && <Link to={`/ciclos/${cycle.next_cycle_id}`}>{t("followingCycle")}</Link>}
      </p>
      <ol className="stage-steps" aria-label="PHEA">
        {STAGES.map((s) => (
          <li
            key={s}
            className={s === stage ? "current" : STAGES.indexOf(s) < STAGES.indexOf(stage) ? "done" : ""}
            aria-current={s === stage ? "step" : undefined}
          >
            {t(`stage_${s}`)}
          </li>
        ))}
      </ol>
      <p data-testid="cycle-stage" className="stage-now">
        {t(`stage_${stage}`)}
      </p>
      {problem?.stale && <StaleAlert onReload={reload} />}
      {problem && !problem.stale && (
        <div className="alert" role="alert">
          <p>{problem.overloaded ? tt("overloadedText") : problem.detail}</p>
          {Object.keys(problem.fields).length > 0 && (
            <>
              <p>{t("missingTitle")}</p>
              <ul>
                {Object.entries(problem.fields).map(([name, message]) => (
                  <li key={name}>{message}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}

      {stage !== "plan" && <PlanSummary cycle={cycle} t={t} />}
      {stage === "plan" && <PlanForm draft={draft} set={set} fields={fields} t={t} />}
      {stage === "do" && (
        <div className="stage-form">
          <label>
            {t("do_carried_out_on")}
            <input
              type="date"
              name="do_carried_out_on"
              value={draft.do_carried_out_on ?? ""}
              onChange={(e) => set({ do_carried_out_on: e.target.value || null })}
              aria-invalid={!!fields.do_carried_out_on}
            />
            <FieldError errors={fields} name="do_carried_out_on" />
          </label>
          <TextFields names={TEXT_FIELDS.do} draft={draft} set={set} fields={fields} t={t} />
        </div>
      )}
      {stage === "study" && (
        <div className="stage-form">
          {(draft.questions ?? []).map((q, i) => (
            <fieldset key={i}>
              <legend>
                {t("question", { n: i + 1 })}: {q.text}
              </legend>
              <p className="muted">
                {t("prediction")}: {q.prediction}
              </p>
              <label>
                {t("result")}
                <textarea
                  rows={2}
                  name={`questions[${i}].result`}
                  value={q.result ?? ""}
                  aria-invalid={!!fields[`questions[${i}].result`]}
                  onChange={(e) =>
                    set({
                      questions: (draft.questions ?? []).map((x, j) =>
                        j === i ? { ...x, result: e.target.value } : x,
                      ),
                    })
                  }
                />
                <FieldError errors={fields} name={`questions[${i}].result`} />
              </label>
            </fieldset>
          ))}
          <TextFields names={TEXT_FIELDS.study} draft={draft} set={set} fields={fields} t={t} />
        </div>
      )}
      {stage === "act" && (
        <div className="stage-form">
          <label>
            {t("act_decision")}
            <select
              name="act_decision"
              value={draft.act_decision ?? ""}
              onChange={(e) => set({ act_decision: (e.target.value || null) as Update["act_decision"] })}
              aria-invalid={!!fields.act_decision}
            >
              <option value="">{t("chooseDecision")}</option>
              <option value="adopt">{t("decision_adopt")}</option>
              <option value="adapt">{t("decision_adapt")}</option>
              <option value="abandon">{t("decision_abandon")}</option>
            </select>
            <FieldError errors={fields} name="act_decision" />
          </label>
          <TextFields names={TEXT_FIELDS.act} draft={draft} set={set} fields={fields} t={t} />
        </div>
      )}
      {stage === "closed" && (
        <div className="stage-form">
          <p className="notice">{t("closedNote")}</p>
          <dl>
            <dt>{t("study_learning")}</dt>
            <dd>{cycle.study_learning}</dd>
            <dt>{t("act_decision")}</dt>
            <dd>{cycle.act_decision ? t(`decision_${cycle.act_decision}`) : ""}</dd>
            <dt>{t("act_next_steps")}</dt>
            <dd>{cycle.act_next_steps}</dd>
          </dl>
        </div>
      )}

      <div className="actions">
        {stage !== "closed" && (
          <>
            <button type="button" className="secondary" disabled={busy} onClick={() => void onSave()}>
              {busy ? t("saving") : t("save")}
            </button>
            <button type="button" disabled={busy} onClick={() => void onAdvance()}>
              {t("advanceTo", { stage: t(`stage_${nextStage}`) })}
            </button>
          </>
        )}
        {(stage === "act" || stage === "closed") && !cycle.next_cycle_id && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void onNext()}>
            {t("nextCycle")}
          </button>
        )}
      </div>
      {stage !== "plan" && (
        <div className="reopen">
          <label>
            {t("reopen")}
            <select value={reopenTo} onChange={(e) => setReopenTo(e.target.value as Stage)}>
              {STAGES.slice(0, STAGES.indexOf(stage)).map((s) => (
                <option key={s} value={s}>
                  {t(`stage_${s}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="secondary" disabled={busy} onClick={() => void onReopen()}>
            {t("reopenButton")}
          </button>
        </div>
      )}
      {cycle.history.length > 0 && (
        <section>
          <h2>{t("history")}</h2>
          <ul className="history" data-testid="cycle-history">
            {cycle.history.map((h, i) => (
              <li key={i}>
                {formatDateTime(h.at)} ·{" "}
                {t(h.kind === "advance" ? "advanced" : "reopened", {
                  who: h.actor_name || cycle.owner_name,
                  from: t(`stage_${h.from_stage}`),
                  to: t(`stage_${h.to_stage}`),
                })}
                {h.reason && ` — ${h.reason}`}
              </li>
            ))}
          </ul>
        </section>
      )}
      {(cycle.previous_cycle_id || cycle.next_cycle_id) && <Ramp cycleId={cycle.id} t={t} />}
    </section>
  );
}

function TextFields({
  names,
  draft,
  set,
  fields,
  t,
}: {
  names: (keyof Update)[];
  draft: Update;
  set: (u: Update) => void;
  fields: Record<string, string>;
  t: T;
}) {
  return (
    <>
      {names.map((name) => (
        <label key={name}>
          {t(name as Parameters<T>[0])}
          <textarea
            name={name}
            rows={2}
            value={(draft[name] as string | undefined) ?? ""}
            onChange={(e) => set({ [name]: e.target.value })}
            aria-invalid={!!fields[name]}
          />
          <FieldError errors={fields} name={name} />
        </label>
      ))}
    </>
  );
}

function PlanForm({
  draft,
  set,
  fields,
  t,
}: {
  draft: Update;
  set: (u: Update) => void;
  fields: Record<string, string>;
  t: T;
}) {
  const questions: Question[] = draft.questions ?? [];
  const setQuestion = (i: number, change: Partial<Question>) =>
    set({ questions: questions.map((q, j) => (j === i ? { ...q, ...change } : q)) });
  return (
    <div className="stage-form">
      <label>
        {t("objective")}
        <textarea
          name="objective"
          rows={2}
          value={draft.objective ?? ""}
          onChange={(e) => set({ objective: e.target.value })}
          aria-invalid={!!fields.objective}
        />
        <FieldError errors={fields} name="objective" />
      </label>
      <fieldset>
        <legend>{t("questions")}</legend>
        <FieldError errors={fields} name="questions" />
        {questions.map((q, i) => (
          <div key={i} className="question">
            <label>
              {t("question", { n: i + 1 })}
              <input
                name={`questions[${i}].text`}
                value={q.text ?? ""}
                onChange={(e) => setQuestion(i, { text: e.target.value })}
                aria-invalid={!!fields[`questions[${i}].text`]}
              />
              <FieldError errors={fields} name={`questions[${i}].text`} />
            </label>
            <label>
              {t("prediction")}
              <input
                name={`questions[${i}].prediction`}
                value={q.prediction ?? ""}
                onChange={(e) => setQuestion(i, { prediction: e.target.value })}
                aria-invalid={!!fields[`questions[${i}].prediction`]}
              />
              <FieldError errors={fields} name={`questions[${i}].prediction`} />
            </label>
            <button
              type="button"
              className="secondary"
              onClick={() => set({ questions: questions.filter((_, j) => j !== i) })}
            >
              {t("removeQuestion")}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() => set({ questions: [...questions, { text: "", prediction: "", result: "" }] })}
        >
          {t("addQuestion")}
        </button>
      </fieldset>
      <TextFields names={TEXT_FIELDS.plan} draft={draft} set={set} fields={fields} t={t} />
    </div>
  );
}

function PlanSummary({ cycle, t }: { cycle: Cycle; t: T }) {
  return (
    <details className="plan-summary">
      <summary>
        {t("stage_plan")}: {cycle.objective}
      </summary>
      <dl>
        {cycle.questions.map((q, i) => (
          <div key={i}>
            <dt>{t("question", { n: i + 1 })}</dt>
            <dd>
              {q.text} — {t("prediction")}: {q.prediction}
            </dd>
          </div>
        ))}
        {TEXT_FIELDS.plan.map((name) => (
          <div key={name}>
            <dt>{t(name as Parameters<T>[0])}</dt>
            <dd>{String(cycle[name as keyof Cycle] ?? "")}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function Ramp({ cycleId, t }: { cycleId: string; t: T }) {
  const [items, setItems] = useState<components["schemas"]["CycleSummary"][] | null>(null);
  useEffect(() => {
    api
      .GET("/api/v1/cycles/{cycle_id}/ramp", { params: { path: { cycle_id: cycleId } } })
      .then((r) => setItems(unwrap(r).items))
      .catch(() => setItems([]));
  }, [cycleId]);
  if (!items || items.length < 2) return null;
  return (
    <section>
      <h2>{t("ramp")}</h2>
      <ol className="ramp">
        {items.map((c) => (
          <li key={c.id}>
            {c.id === cycleId ? <strong>{c.title}</strong> : <Link to={`/ciclos/${c.id}`}>{c.title}</Link>} ·{" "}
            {t(`stage_${c.stage}`)}
            {c.act_decision && ` · ${t(`decision_${c.act_decision}`)}`}
          </li>
        ))}
      </ol>
    </section>
  );
}
