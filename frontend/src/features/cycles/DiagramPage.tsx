import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, etagOf, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import {
  ensureOk,
  errorsOf,
  FieldError,
  FormAlert,
  Loaded,
  matchHeaders,
  tagOf,
  useLoad,
  useT,
  type FormProblem,
  type T,
} from "./common";

type Diagram = components["schemas"]["DiagramRead"];
type Kind = components["schemas"]["NodeCreate"]["kind"];
interface TreeNode {
  id: string;
  kind: Kind;
  text: string;
  tags: string[];
  parent_ids: string[];
  children: TreeNode[];
  /** The node's own version, when the API gives it (else a change is checked against the diagram's ETag). */
  version?: number;
}
/** If-Match of a change to a node: its own version when the tree carries it, else the diagram's ETag. */
const nodeHeaders = (node: TreeNode, diagramTag: string | null) => matchHeaders(tagOf(node) ?? diagramTag);

const CHILD_KIND: Record<Kind, Kind | null> = {
  aim: "primary",
  primary: "secondary",
  secondary: "change_idea",
  change_idea: null,
};
const PARENT_KIND: Record<Kind, Kind | null> = {
  aim: null,
  primary: "aim",
  secondary: "primary",
  change_idea: "secondary",
};
type Candidates = Record<Kind, { id: string; text: string }[]>;

/** Every node of the version by kind (each once), for the "Mover a…" choices. */
function candidatesOf(roots: (TreeNode | null)[]): Candidates {
  const out: Candidates = { aim: [], primary: [], secondary: [], change_idea: [] };
  const seen = new Set<string>();
  const walk = (n: TreeNode) => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    out[n.kind].push({ id: n.id, text: n.text });
    n.children.forEach(walk);
  };
  roots.forEach((r) => r && walk(r));
  return out;
}

export function DiagramPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const network = useLoad(
    () => api.GET("/api/v1/networks/{network_id}", { params: { path: { network_id: networkId } } }).then(unwrap),
    [networkId],
  );
  const versions = useLoad(
    () =>
      api
        .GET("/api/v1/networks/{network_id}/driver-diagrams", { params: { path: { network_id: networkId } } })
        .then(unwrap),
    [networkId],
  );
  const [selected, setSelected] = useState("");
  const [against, setAgainst] = useState("");
  const [problem, setProblem] = useState<FormProblem>(null);
  const versionKey = useIdempotencyKey();
  useEffect(() => {
    if (!selected && versions.data && versions.data.items.length > 0) setSelected(versions.data.items[0].id);
  }, [versions.data, selected]);
  const diagram = useLoad(
    () =>
      selected
        ? api.GET("/api/v1/driver-diagrams/{diagram_id}", { params: { path: { diagram_id: selected } } }).then(unwrap)
        : Promise.resolve(null as Diagram | null),
    [selected],
  );
  const diff = useLoad(
    () =>
      selected && against
        ? api
            .GET("/api/v1/driver-diagrams/{diagram_id}/diff", {
              params: { path: { diagram_id: selected }, query: { against } },
            })
            .then(unwrap)
        : Promise.resolve(null),
    [selected, against],
  );
  const canEdit = ["coordinator", "facilitator"].includes(network.data?.my_role ?? "");
  const act = async (action: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await action();
      diagram.reload();
      versions.reload();
    } catch (err) {
      setProblem(errorsOf(err));
    }
  };
  // "Recargar" after a 412: the tree is read again and drawn anew (open editors close).
  const reload = () => {
    setProblem(null);
    diagram.setData(null);
    diagram.reload();
    versions.reload();
  };
  const newVersion = () =>
    act(async () => {
      const body = {
        title: `Diagrama conductor (${new Date().toLocaleDateString("es-CL", { month: "long", year: "numeric" })})`,
        start: "copy" as const,
      };
      const created = unwrap(
        await versionKey.send((headers) =>
          api.POST("/api/v1/networks/{network_id}/driver-diagrams", {
            params: { path: { network_id: networkId } },
            body,
            headers,
          }),
        ),
      );
      setSelected(created.id);
    });
  const publish = () =>
    act(() =>
      api
        .POST("/api/v1/driver-diagrams/{diagram_id}/publish", {
          params: { path: { diagram_id: selected } },
          headers: matchHeaders(etagOf(diagram.data)),
        })
        .then(unwrap),
    );

  return (
    <section>
      <p>
        <Link to={`/redes/${networkId}`}>← {t("backToNetwork")}</Link>
      </p>
      <h1>{t("diagramTitle")}</h1>
      <FormAlert problem={problem} onReload={reload} />
      <Loaded state={versions}>
        {(page) =>
          page.items.length === 0 ? (
            <>
              <p className="empty">{t("noDiagram")}</p>
              {canEdit && (
                <button type="button" onClick={() => void newVersion()}>
                  {t("newVersion")}
                </button>
              )}
            </>
          ) : (
            <div className="diagram-toolbar">
              <label className="inline">
                {t("version")}
                <select value={selected} onChange={(e) => setSelected(e.target.value)}>
                  {page.items.map((v) => (
                    <option key={v.id} value={v.id}>
                      {v.version} · {v.title} ({v.status === "draft" ? t("draft") : t("published")})
                    </option>
                  ))}
                </select>
              </label>
              <label className="inline">
                {t("compareWith")}
                <select value={against} onChange={(e) => setAgainst(e.target.value)}>
                  <option value="">{t("noCompare")}</option>
                  {page.items
                    .filter((v) => v.id !== selected)
                    .map((v) => (
                      <option key={v.id} value={v.id}>
                        {v.version} · {v.title}
                      </option>
                    ))}
                </select>
              </label>
              {canEdit && diagram.data?.status === "published" && page.items[0].status === "published" && (
                <button type="button" className="secondary" onClick={() => void newVersion()}>
                  {t("newVersion")}
                </button>
              )}
              {canEdit && diagram.data?.status === "draft" && (
                <button type="button" onClick={() => void publish()}>
                  {t("publish")}
                </button>
              )}
            </div>
          )
        }
      </Loaded>
      {diff.data && (
        <section className="diagram-diff" data-testid="diagram-diff">
          {diff.data.added.map((n) => (
            <p key={`a${n.key}`} className="diff-added">
              + {t("added")}: {n.text}
            </p>
          ))}
          {diff.data.removed.map((n) => (
            <p key={`r${n.key}`} className="diff-removed">
              − {t("removed")}: {n.text}
            </p>
          ))}
          {diff.data.changed.map((n) => (
            <p key={`c${n.key}`} className="diff-changed">
              ~ {t("changed")}: {n.old_text === n.text ? n.text : `${n.old_text} → ${n.text}`}
              {n.changes.some((c) => c.field === "parents") && ` (${t("diffMoved")})`}
              {n.changes
                .filter((c) => c.field === "tags")
                .map(
                  (c) =>
                    ` (${t("tagsLabel")}: ${[c.old].flat().join(", ") || "—"} → ${[c.new].flat().join(", ") || "—"})`,
                )}
            </p>
          ))}
        </section>
      )}
      {diagram.data && (
        <Loaded state={diagram}>
          {(d) =>
            d &&
            (() => {
              const candidates = candidatesOf([d.tree.aim as TreeNode | null, ...(d.tree.unlinked as TreeNode[])]);
              return (
                <div className="diagram-tree" data-testid="diagram-tree">
                  {d.tree.aim ? (
                    <ul>
                      <NodeView
                        node={d.tree.aim as TreeNode}
                        parentId={null}
                        candidates={candidates}
                        editable={canEdit && d.status === "draft"}
                        diagramId={d.id}
                        diagramTag={etagOf(d)}
                        t={t}
                        act={act}
                      />
                    </ul>
                  ) : (
                    canEdit &&
                    d.status === "draft" && <AddNode diagramId={d.id} kind="aim" parentId={null} t={t} act={act} />
                  )}
                  {(d.tree.unlinked as TreeNode[]).length > 0 && (
                    <>
                      <h2>{t("unlinked")}</h2>
                      <ul>
                        {(d.tree.unlinked as TreeNode[]).map((n) => (
                          <NodeView
                            key={n.id}
                            node={n}
                            parentId={null}
                            candidates={candidates}
                            editable={canEdit && d.status === "draft"}
                            diagramId={d.id}
                            diagramTag={etagOf(d)}
                            t={t}
                            act={act}
                          />
                        ))}
                      </ul>
                    </>
                  )}
                </div>
              );
            })()
          }
        </Loaded>
      )}
    </section>
  );
}

type Act = (action: () => Promise<unknown>) => Promise<void>;

function NodeView({
  node,
  parentId,
  candidates,
  editable,
  diagramId,
  diagramTag,
  t,
  act,
}: {
  node: TreeNode;
  parentId: string | null;
  candidates: Candidates;
  editable: boolean;
  diagramId: string;
  diagramTag: string | null;
  t: T;
  act: Act;
}) {
  const [editing, setEditing] = useState(false);
  const [moving, setMoving] = useState(false);
  const [text, setText] = useState(node.text);
  const [tags, setTags] = useState(node.tags.join(", "));
  const child = CHILD_KIND[node.kind];
  return (
    <li className={`node node-${node.kind}`}>
      <div className="node-box">
        <span className="node-kind">{t(`kind_${node.kind}`)}</span>
        {editing ? (
          <span className="inline-form">
            <input aria-label={t("name")} value={text} onChange={(e) => setText(e.target.value)} />
            {node.kind === "change_idea" && (
              <input aria-label={t("tags")} value={tags} onChange={(e) => setTags(e.target.value)} />
            )}
            <button
              type="button"
              onClick={() =>
                void act(() =>
                  api
                    .PATCH("/api/v1/driver-diagram-nodes/{node_id}", {
                      params: { path: { node_id: node.id } },
                      body: {
                        text,
                        tags: tags
                          .split(",")
                          .map((s) => s.trim())
                          .filter(Boolean),
                      },
                      headers: nodeHeaders(node, diagramTag),
                    })
                    .then(unwrap),
                ).then(() => setEditing(false))
              }
            >
              {t("save")}
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              {t("cancel")}
            </button>
          </span>
        ) : (
          <span className="node-text">{node.text}</span>
        )}
        {node.tags.map((tag) => (
          <span key={tag} className="badge tag">
            {tag}
          </span>
        ))}
        {editable && !editing && !moving && (
          <span className="node-actions">
            <button type="button" className="secondary" onClick={() => setEditing(true)}>
              {t("edit")}
            </button>
            {PARENT_KIND[node.kind] && (
              <button
                type="button"
                className="secondary"
                onClick={() => setMoving(true)}
                aria-label={`${t("moveTo")} ${node.text}`}
              >
                {t("moveTo")}
              </button>
            )}
            <button
              type="button"
              className="secondary"
              onClick={() =>
                void act(async () =>
                  ensureOk(
                    await api.DELETE("/api/v1/driver-diagram-nodes/{node_id}", {
                      params: { path: { node_id: node.id } },
                      headers: nodeHeaders(node, diagramTag),
                    }),
                  ),
                )
              }
            >
              {t("remove")}
            </button>
          </span>
        )}
      </div>
      {moving && (
        <MoveNode
          node={node}
          parentId={parentId}
          candidates={candidates}
          diagramTag={diagramTag}
          t={t}
          act={act}
          onDone={() => setMoving(false)}
        />
      )}
      {(node.children.length > 0 || (editable && child)) && (
        <ul>
          {node.children.map((c) => (
            <NodeView
              key={`${node.id}-${c.id}`}
              node={c}
              parentId={node.id}
              candidates={candidates}
              editable={editable}
              diagramId={diagramId}
              diagramTag={diagramTag}
              t={t}
              act={act}
            />
          ))}
          {editable && child && (
            <li>
              <AddNode diagramId={diagramId} kind={child} parentId={node.id} t={t} act={act} />
            </li>
          )}
        </ul>
      )}
    </li>
  );
}

function AddNode({
  diagramId,
  kind,
  parentId,
  t,
  act,
}: {
  diagramId: string;
  kind: Kind;
  parentId: string | null;
  t: T;
  act: Act;
}) {
  const [open, setOpen] = useState(false);
  const idempotency = useIdempotencyKey();
  const [text, setText] = useState("");
  const [tags, setTags] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  if (!open)
    return (
      <button type="button" className="secondary add-node" onClick={() => setOpen(true)}>
        + {kind === "aim" ? t("addAim") : `${t("addChild")} ${t(`kind_${kind}`).toLowerCase()}`}
      </button>
    );
  const submit = async () => {
    try {
      unwrap(
        await idempotency.send((headers) =>
          api.POST("/api/v1/driver-diagrams/{diagram_id}/nodes", {
            params: { path: { diagram_id: diagramId } },
            body: {
              kind,
              text,
              order: 0,
              tags: tags
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean),
              parent_ids: parentId ? [parentId] : [],
            },
            headers,
          }),
        ),
      );
    } catch (err) {
      setFields(errorsOf(err).fields);
      throw err;
    }
    setOpen(false);
    setText("");
    setTags("");
  };
  return (
    <span className="inline-form">
      <label>
        {t(`kind_${kind}`)}
        <input value={text} onChange={(e) => setText(e.target.value)} aria-invalid={!!fields.text} />
        <FieldError errors={fields} name="text" />
      </label>
      {kind === "change_idea" && (
        <label>
          {t("tags")}
          <input value={tags} onChange={(e) => setTags(e.target.value)} />
        </label>
      )}
      <button type="button" onClick={() => void act(submit)}>
        {t("addChild")}
      </button>
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        {t("cancel")}
      </button>
    </span>
  );
}

/**
 * "Mover a…": hangs the node from another parent of the kind above it (PATCH parent_ids). A change idea under
 * several secondary drivers is moved away from the one it is shown under and keeps its other parents.
 */
function MoveNode({
  node,
  parentId,
  candidates,
  diagramTag,
  t,
  act,
  onDone,
}: {
  node: TreeNode;
  parentId: string | null;
  candidates: Candidates;
  diagramTag: string | null;
  t: T;
  act: Act;
  onDone: () => void;
}) {
  const parentKind = PARENT_KIND[node.kind];
  const options = parentKind ? candidates[parentKind].filter((c) => !node.parent_ids.includes(c.id)) : [];
  const [target, setTarget] = useState(options[0]?.id ?? "");
  const [fields, setFields] = useState<Record<string, string>>({});
  const move = async () => {
    const kept = node.parent_ids.filter((p) => p !== parentId);
    try {
      unwrap(
        await api.PATCH("/api/v1/driver-diagram-nodes/{node_id}", {
          params: { path: { node_id: node.id } },
          body: { parent_ids: [...kept, target] },
          headers: nodeHeaders(node, diagramTag),
        }),
      );
    } catch (err) {
      const f = errorsOf(err).fields;
      setFields(Object.keys(f).length ? { parent_ids: Object.values(f)[0] } : {});
      throw err;
    }
    onDone();
  };
  return (
    <div className="inline-form move-node" data-testid="move-node">
      {options.length === 0 ? (
        <p className="muted">{t("noOtherParent")}</p>
      ) : (
        <>
          <label>
            {t("newParent")} ({t(`kind_${parentKind ?? "aim"}`).toLowerCase()})
            <select value={target} onChange={(e) => setTarget(e.target.value)} aria-invalid={!!fields.parent_ids}>
              {options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.text}
                </option>
              ))}
            </select>
            <FieldError errors={fields} name="parent_ids" />
          </label>
          <button type="button" onClick={() => void act(move)}>
            {t("move")}
          </button>
        </>
      )}
      <button type="button" className="secondary" onClick={onDone}>
        {t("cancel")}
      </button>
    </div>
  );
}
