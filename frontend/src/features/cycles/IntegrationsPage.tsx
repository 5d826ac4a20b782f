import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { api, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import { useMessages } from "../../i18n";
import {
  ensureOk,
  errorsOf,
  FieldError,
  FormAlert,
  formatDateTime,
  Loaded,
  matchHeaders,
  newId,
  Pager,
  tagOf,
  useLoad,
  type FormProblem,
} from "./common";
import { en, es } from "./integrationsMessages";

type Integration = components["schemas"]["IntegrationRead"];
type Created = components["schemas"]["IntegrationCreated"];
type Scope = components["schemas"]["IntegrationCreate"]["scopes"][number];

const SCOPES: Scope[] = ["roster:import", "directory:read", "aggregates:read"];
const PAGE = 20;

const useIT = () => useMessages({ es, en });
type IT = ReturnType<typeof useIT>;

const scopeKey = (scope: string) => `scope_${scope.replace(":", "_")}` as keyof typeof es;

/** Integration clients (API keys of SLEP systems) for coordinators: list, create (secret shown once), revoke. */
export function IntegrationsPage() {
  const { networkId = "" } = useParams();
  const t = useIT();
  const network = useLoad(
    () => api.GET("/api/v1/networks/{network_id}", { params: { path: { network_id: networkId } } }).then(unwrap),
    [networkId],
  );
  return (
    <section>
      <p>
        <Link to={`/redes/${networkId}`}>← {network.data?.name ?? t("title")}</Link>
      </p>
      <h1>{t("title")}</h1>
      <Loaded state={network}>
        {(net) =>
          net.my_role !== "coordinator" ? (
            <p className="alert" role="alert">
              {/* The API refuses anyway (403); the screen only says so up front. */}
              {t("coordinatorsOnly")}
            </p>
          ) : (
            <Integrations networkId={networkId} t={t} />
          )
        }
      </Loaded>
    </section>
  );
}

function Integrations({ networkId, t }: { networkId: string; t: IT }) {
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    () =>
      api
        .GET("/api/v1/networks/{network_id}/integrations", {
          params: { path: { network_id: networkId }, query: { limit: PAGE, offset } },
        })
        .then(unwrap),
    [networkId, offset],
  );
  const [created, setCreated] = useState<Created | null>(null);
  const [confirming, setConfirming] = useState<Integration | null>(null);
  const [notice, setNotice] = useState("");
  const [problem, setProblem] = useState<FormProblem>(null);

  const revoke = async (item: Integration) => {
    setProblem(null);
    try {
      ensureOk(
        await api.DELETE("/api/v1/integrations/{integration_id}", {
          params: { path: { integration_id: item.id } },
          headers: matchHeaders(tagOf(item)),
        }),
      );
      setNotice(t("revokedNotice", { name: item.name }));
      list.reload();
    } catch (err) {
      setProblem(errorsOf(err));
    } finally {
      setConfirming(null);
    }
  };

  return (
    <>
      <p className="muted">{t("intro")}</p>
      {created ? (
        <SecretCard created={created} t={t} onDone={() => setCreated(null)} />
      ) : (
        <CreateForm
          networkId={networkId}
          t={t}
          onCreated={(c) => {
            setCreated(c);
            setNotice("");
            list.reload();
          }}
        />
      )}
      <h2>{t("listTitle")}</h2>
      {notice && (
        <p className="notice success" role="status">
          {notice}
        </p>
      )}
      <FormAlert
        problem={problem}
        onReload={() => {
          setProblem(null);
          list.reload();
        }}
      />
      {confirming && (
        <div className="card confirm" role="alertdialog" aria-label={t("revoke")}>
          <p>{t("confirmRevoke", { name: confirming.name })}</p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => void revoke(confirming)}>
              {t("confirmRevokeYes")}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(null)}>
              {t("cancel")}
            </button>
          </div>
        </div>
      )}
      <Loaded state={list}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">{t("empty")}</p>
          ) : (
            <>
              <table data-testid="integrations-table">
                <thead>
                  <tr>
                    <th>{t("name")}</th>
                    <th>{t("clientId")}</th>
                    <th>{t("scopes")}</th>
                    <th>{t("createdAt")}</th>
                    <th>{t("lastUsed")}</th>
                    <th>{t("status")}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((item) => (
                    <tr key={item.id} className={item.active ? undefined : "muted"}>
                      <td>{item.name}</td>
                      <td>
                        <code>{item.client_id}</code>
                      </td>
                      <td>
                        {item.scopes.map((s) => (
                          <div key={s}>
                            <code>{s}</code>
                          </div>
                        ))}
                      </td>
                      <td>
                        {formatDateTime(item.created_at)}
                        {item.created_by_name && <div className="muted">{item.created_by_name}</div>}
                      </td>
                      <td>{item.last_used_at ? formatDateTime(item.last_used_at) : t("never")}</td>
                      <td>
                        {item.active
                          ? t("active")
                          : t("revoked", { date: formatDateTime(item.revoked_at ?? item.created_at) })}
                      </td>
                      <td>
                        {item.active && (
                          <button
                            type="button"
                            className="danger"
                            onClick={() => setConfirming(item)}
                            aria-label={`${t("revoke")} ${item.name}`}
                          >
                            {t("revoke")}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager total={page.total} limit={page.limit} offset={page.offset} onChange={setOffset} />
            </>
          )
        }
      </Loaded>
    </>
  );
}

function CreateForm({ networkId, t, onCreated }: { networkId: string; t: IT; onCreated: (c: Created) => void }) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem>(null);
  // One id and one Idempotency-Key per attempt: a retried submit after a lost answer does not create a second client.
  const [id, setId] = useState(newId);
  const idempotency = useIdempotencyKey();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (scopes.length === 0) {
      setProblem({ detail: t("chooseScope"), fields: { scopes: t("chooseScope") } });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const created = unwrap(
        await idempotency.send((headers) =>
          api.POST("/api/v1/networks/{network_id}/integrations", {
            params: { path: { network_id: networkId } },
            body: { id, name, scopes },
            headers,
          }),
        ),
      );
      setName("");
      setScopes([]);
      setId(newId());
      onCreated(created);
    } catch (err) {
      const { detail, fields } = errorsOf(err);
      const scopeError = Object.entries(fields).find(([field]) => field.startsWith("scopes"));
      setProblem({ detail, fields: scopeError ? { ...fields, scopes: scopeError[1] } : fields });
    } finally {
      setBusy(false);
    }
  };

  const toggle = (scope: Scope, on: boolean) =>
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));

  return (
    <form className="card" onSubmit={submit} noValidate aria-label={t("newTitle")}>
      <h2>{t("newTitle")}</h2>
      {problem && (
        <p className="alert" role="alert">
          {problem.detail}
        </p>
      )}
      <label>
        {t("name")}
        <input
          name="name"
          value={name}
          maxLength={120}
          placeholder={t("namePlaceholder")}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={Boolean(problem?.fields.name)}
          aria-describedby={problem?.fields.name ? "name-error" : undefined}
        />
        <FieldError errors={problem?.fields ?? {}} name="name" />
      </label>
      <fieldset className="checks">
        <legend>{t("scopes")}</legend>
        {SCOPES.map((scope) => (
          <label key={scope} className="check">
            <input
              type="checkbox"
              name="scopes"
              value={scope}
              checked={scopes.includes(scope)}
              onChange={(e) => toggle(scope, e.target.checked)}
            />
            {t(scopeKey(scope))}
          </label>
        ))}
        <FieldError errors={problem?.fields ?? {}} name="scopes" />
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t("creating") : t("create")}
        </button>
      </div>
    </form>
  );
}

function SecretCard({ created, t, onDone }: { created: Created; t: IT; onDone: () => void }) {
  return (
    <section className="card" data-testid="integration-secret" aria-live="polite">
      <h2>{t("secretTitle")}</h2>
      <p className="alert" role="alert">
        {t("secretWarning")}
      </p>
      <CopyField label={t("clientId")} value={created.client_id} name="client_id" t={t} />
      {created.client_secret && (
        <CopyField label={t("clientSecret")} value={created.client_secret} name="client_secret" t={t} />
      )}
      <div className="actions">
        <button type="button" onClick={onDone}>
          {t("secretDone")}
        </button>
      </div>
    </section>
  );
}

function CopyField({ label, value, name, t }: { label: string; value: string; name: string; t: IT }) {
  const [state, setState] = useState<"" | "copied" | "failed">("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <div className="inline-form">
      <label style={{ flex: "1 1 20rem" }}>
        {label}
        <input name={name} value={value} readOnly spellCheck={false} onFocus={(e) => e.target.select()} />
      </label>
      <button type="button" className="secondary" onClick={() => void copy()} aria-label={`${t("copy")} ${label}`}>
        {state === "copied" ? t("copied") : t("copy")}
      </button>
      {state === "failed" && (
        <span className="field-error" role="alert">
          {t("copyFailed")}
        </span>
      )}
    </div>
  );
}
