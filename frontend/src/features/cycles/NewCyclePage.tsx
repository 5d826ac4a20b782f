import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { api, unwrap, useIdempotencyKey } from "../../api/client";
import { errorsOf, FieldError, useLoad, useT } from "./common";

/** New cycle; `?title=&change_idea_id=&objective=` pre-fill it (e.g. from a teacher's priority area). */
export function NewCyclePage() {
  const { networkId = "" } = useParams();
  const [params] = useSearchParams();
  const t = useT();
  const navigate = useNavigate();
  const [title, setTitle] = useState(params.get("title") ?? "");
  const [objective, setObjective] = useState(params.get("objective") ?? "");
  const [changeIdea, setChangeIdea] = useState(params.get("change_idea_id") ?? "");
  const [busy, setBusy] = useState(false);
  const idempotency = useIdempotencyKey();
  const [problem, setProblem] = useState<{ detail: string; fields: Record<string, string> } | null>(null);
  const ideas = useLoad(async () => {
    const versions = unwrap(
      await api.GET("/api/v1/networks/{network_id}/driver-diagrams", {
        params: { path: { network_id: networkId }, query: { limit: 1 } },
      }),
    );
    if (versions.items.length === 0) return [];
    const diagram = unwrap(
      await api.GET("/api/v1/driver-diagrams/{diagram_id}", { params: { path: { diagram_id: versions.items[0].id } } }),
    );
    return diagram.change_ideas;
  }, [networkId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const cycle = unwrap(
        await idempotency.send((headers) =>
          api.POST("/api/v1/cycles", {
            body: { network_id: networkId, title, objective, ...(changeIdea ? { change_idea_id: changeIdea } : {}) },
            headers,
          }),
        ),
      );
      navigate(`/ciclos/${cycle.id}`);
    } catch (err) {
      setProblem(errorsOf(err));
      setBusy(false);
    }
  };
  const fields = problem?.fields ?? {};
  return (
    <section className="narrow">
      <p>
        <Link to={`/redes/${networkId}/ciclos`}>← {t("board")}</Link>
      </p>
      <h1>{t("newCycle")}</h1>
      {problem && (
        <p className="alert" role="alert">
          {problem.detail}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <label>
          {t("title")}
          <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} aria-invalid={!!fields.title} />
          <FieldError errors={fields} name="title" />
        </label>
        <label>
          {t("changeIdea")}
          <select
            name="change_idea_id"
            value={changeIdea}
            onChange={(e) => setChangeIdea(e.target.value)}
            aria-invalid={!!fields.change_idea_id}
          >
            <option value="">{t("noChangeIdea")}</option>
            {(ideas.data ?? []).map((idea) => (
              <option key={idea.id} value={idea.id}>
                {idea.text}
              </option>
            ))}
            {changeIdea && ideas.data && !ideas.data.some((i) => i.id === changeIdea) && (
              <option value={changeIdea}>{changeIdea}</option>
            )}
          </select>
          <FieldError errors={fields} name="change_idea_id" />
        </label>
        <label>
          {t("objective")}
          <textarea
            name="objective"
            rows={3}
            value={objective}
            onChange={(e) => setObjective(e.target.value)}
            aria-invalid={!!fields.objective}
          />
          <FieldError errors={fields} name="objective" />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? t("creating") : t("create")}
        </button>
      </form>
    </section>
  );
}
