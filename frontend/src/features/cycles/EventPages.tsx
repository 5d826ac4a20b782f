import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router-dom";
import { api, ApiError, unwrap, useIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import { useAuth } from "../../auth/AuthContext";
import { roleLabel } from "../../components/Layout";
import { useI18n } from "../../i18n";
import { NotFoundPage } from "../../pages/StatusPages";
import {
  EditFresh,
  errorsOf,
  FieldError,
  firstErrorOf,
  FormAlert,
  formatDateTime,
  Loaded,
  matchHeaders,
  newId,
  tagOf,
  toLocalInput,
  useLoad,
  useT,
  type FormProblem,
  type T,
} from "./common";

type EventRead = components["schemas"]["EventRead"];
type Kind = EventRead["kind"];
export const EVENT_KINDS: Kind[] = ["learning_session", "coaching_visit", "school_visit", "expert_meeting"];

/** The caller in one network: role and school (from /auth/me). */
export function useMembership(networkId: string): { role: string; schoolId: string | null } {
  const { me } = useAuth();
  const membership = me?.memberships.find((m) => m.network_id === networkId);
  return { role: membership?.role ?? "", schoolId: membership?.school_id ?? null };
}

/** Kinds of event the role may schedule (cycles_service.access.Actor.edits_event). */
export function kindsFor(role: string): Kind[] {
  if (role === "coordinator") return EVENT_KINDS;
  if (role === "coach") return ["coaching_visit"];
  if (role === "leader") return EVENT_KINDS.filter((k) => k !== "learning_session");
  return [];
}

/** Whether the role may edit this event (the API decides; this only hides the controls). */
export function mayEditEvent(
  role: string,
  schoolId: string | null,
  event: { kind: Kind; school_ids: string[] },
): boolean {
  if (role === "coordinator") return true;
  if (role === "coach") return event.kind === "coaching_visit";
  if (role === "leader")
    return (
      event.kind !== "learning_session" && event.school_ids.length > 0 && event.school_ids.every((s) => s === schoolId)
    );
  return false;
}

function useDirectory(networkId: string) {
  const schools = useLoad(
    () =>
      api
        .GET("/api/v1/networks/{network_id}/schools", {
          params: { path: { network_id: networkId }, query: { limit: 200 } },
        })
        .then(unwrap),
    [networkId],
  );
  const people = useLoad(
    () =>
      api
        .GET("/api/v1/networks/{network_id}/people", {
          params: { path: { network_id: networkId }, query: { limit: 200 } },
        })
        .then(unwrap),
    [networkId],
  );
  return { schools: schools.data?.items ?? [], people: people.data?.items ?? [] };
}

export function NewEventPage() {
  const { networkId = "" } = useParams();
  const t = useT();
  const navigate = useNavigate();
  const { role, schoolId } = useMembership(networkId);
  return (
    <section className="narrow wide">
      <p>
        <Link to={`/redes/${networkId}/calendario`}>← {t("backToCalendar")}</Link>
      </p>
      <h1>{t("newEvent")}</h1>
      {kindsFor(role).length === 0 ? (
        <p className="alert" role="alert">
          {t("eventsNotAllowed")}
        </p>
      ) : (
        <EventForm
          networkId={networkId}
          role={role}
          schoolId={schoolId}
          t={t}
          onSaved={(e) => navigate(`/eventos/${e.id}`, { state: { saved: true } })}
          onCancel={() => navigate(`/redes/${networkId}/calendario`)}
        />
      )}
    </section>
  );
}

export function EventPage() {
  const { eventId = "" } = useParams();
  const t = useT();
  const location = useLocation();
  const event = useLoad(
    () => api.GET("/api/v1/events/{event_id}", { params: { path: { event_id: eventId } } }).then(unwrap),
    [eventId],
  );
  const networkId = event.data?.network_id ?? "";
  const { role, schoolId } = useMembership(networkId);
  const directory = useDirectory(networkId);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState((location.state as { saved?: boolean } | null)?.saved ? t("eventSaved") : "");
  if (event.error && [404, 422].includes(event.error.problem.status)) return <NotFoundPage />;
  return (
    <Loaded state={event}>
      {(e) => {
        const year = toLocalInput(e.starts_at).slice(0, 4);
        const names = (ids: string[], list: { id: string; name: string }[]) =>
          ids.map((id) => list.find((x) => x.id === id)?.name ?? "…");
        return (
          <section className="narrow wide">
            <p>
              <Link to={`/redes/${e.network_id}/calendario?year=${year}`}>← {t("backToCalendar")}</Link>
            </p>
            <h1>{e.title}</h1>
            <p className="meta">
              <span className={`badge kind-${e.kind}`}>{e.kind_label}</span>
              <span>
                {formatDateTime(e.starts_at)}
                {e.ends_at && ` – ${formatDateTime(e.ends_at)}`}
              </span>
              {e.place && <span>{e.place}</span>}
            </p>
            {notice && (
              <p className="notice" role="status">
                {notice}
              </p>
            )}
            {editing ? (
              <EditFresh
                load={() => api.GET("/api/v1/events/{event_id}", { params: { path: { event_id: e.id } } }).then(unwrap)}
              >
                {(fresh, reload) => (
                  <EventForm
                    networkId={e.network_id}
                    event={fresh}
                    role={role}
                    schoolId={schoolId}
                    t={t}
                    onSaved={(saved) => {
                      event.setData(saved);
                      setEditing(false);
                      setNotice(t("eventSaved"));
                    }}
                    onCancel={() => setEditing(false)}
                    onReload={reload}
                  />
                )}
              </EditFresh>
            ) : (
              <>
                <dl className="plan-summary" data-testid="event-details">
                  <dt>{t("schoolsField")}</dt>
                  <dd>{e.school_ids.length ? names(e.school_ids, directory.schools).join(", ") : t("networkWide")}</dd>
                  {e.agenda && (
                    <>
                      <dt>{t("agenda")}</dt>
                      <dd className="prewrap">{e.agenda}</dd>
                    </>
                  )}
                  <dt>{t("attendance")}</dt>
                  <dd>
                    {e.attendance.length
                      ? `${t("present", { count: e.attendance.length })}: ${names(e.attendance, directory.people).join(", ")}`
                      : t("noAttendance")}
                  </dd>
                  {e.notes && (
                    <>
                      <dt>{t("notes")}</dt>
                      <dd className="prewrap">{e.notes}</dd>
                    </>
                  )}
                  {e.agreements && (
                    <>
                      <dt>{t("agreements")}</dt>
                      <dd className="prewrap">{e.agreements}</dd>
                    </>
                  )}
                </dl>
                {mayEditEvent(role, schoolId, e) && (
                  <button
                    type="button"
                    onClick={() => {
                      setNotice("");
                      setEditing(true);
                    }}
                  >
                    {t("editEvent")}
                  </button>
                )}
              </>
            )}
          </section>
        );
      }}
    </Loaded>
  );
}

/**
 * Create (no `event`) or edit an event: kind, date and time, schools, agenda, attendance, notes and agreements. An
 * edit sends the ETag the event was read with; on 412 the typed values stay and `onReload` brings the current one.
 */
function EventForm({
  networkId,
  event,
  role,
  schoolId,
  t,
  onSaved,
  onCancel,
  onReload,
}: {
  networkId: string;
  event?: EventRead;
  role: string;
  schoolId: string | null;
  t: T;
  onSaved: (e: EventRead) => void;
  onCancel: () => void;
  onReload?: () => void;
}) {
  const { t: tt } = useI18n();
  const directory = useDirectory(networkId);
  const kinds = kindsFor(role);
  const [id] = useState(newId);
  const idempotency = useIdempotencyKey();
  const [form, setForm] = useState({
    kind: event?.kind ?? kinds[0],
    title: event?.title ?? "",
    starts_at: event ? toLocalInput(event.starts_at) : "",
    ends_at: event?.ends_at ? toLocalInput(event.ends_at) : "",
    place: event?.place ?? "",
    school_ids: event?.school_ids ?? (role === "leader" && schoolId ? [schoolId] : []),
    agenda: event?.agenda ?? "",
    attendance: event?.attendance ?? [],
    notes: event?.notes ?? "",
    agreements: event?.agreements ?? "",
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem>(null);
  // A leader schedules only their own school's events; others choose among all schools.
  const schools = role === "leader" ? directory.schools.filter((s) => s.id === schoolId) : directory.schools;
  const people = form.school_ids.length
    ? directory.people.filter(
        (p) => p.school_id === null || form.school_ids.includes(p.school_id) || form.attendance.includes(p.id),
      )
    : directory.people;
  const toggle = (list: string[], value: string, on: boolean) =>
    on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    // An empty start is left out, so that the API says it is required.
    const { starts_at, ...rest } = form;
    const body = { ...rest, ...(starts_at ? { starts_at } : {}), ends_at: form.ends_at || null } as typeof rest & {
      starts_at: string;
      ends_at: string | null;
    };
    try {
      const saved = event
        ? unwrap(
            await api.PATCH("/api/v1/events/{event_id}", {
              params: { path: { event_id: event.id } },
              body,
              headers: matchHeaders(tagOf(event)),
            }),
          )
        : unwrap(
            await idempotency.send((headers) =>
              api.POST("/api/v1/networks/{network_id}/events", {
                params: { path: { network_id: networkId } },
                body: { id, ...body },
                headers,
              }),
            ),
          );
      onSaved(saved);
    } catch (err) {
      setProblem(errorsOf(err));
      setBusy(false);
      if (err instanceof ApiError && (err.problem.status === 403 || err.stale)) window.scrollTo(0, 0);
    }
  };
  const fields = problem?.fields ?? {};
  const schoolError = firstErrorOf(fields, "school_ids");
  const attendanceError = firstErrorOf(fields, "attendance");
  const title = event ? t("editEvent") : t("newEvent");
  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-label={title} data-testid="event-form">
      <FormAlert problem={problem} onReload={onReload ?? onCancel} />
      <div className="form-row">
        <label>
          {t("eventKind")}
          <select
            name="kind"
            value={form.kind}
            onChange={(e) => setForm({ ...form, kind: e.target.value as Kind })}
            aria-invalid={!!fields.kind}
          >
            {(kinds.includes(form.kind) ? kinds : [form.kind, ...kinds]).map((k) => (
              <option key={k} value={k}>
                {t(`kind_${k}`)}
              </option>
            ))}
          </select>
          <FieldError errors={fields} name="kind" />
        </label>
        <label className="grow">
          {t("eventTitle")}
          <input
            name="title"
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.target.value })}
            aria-invalid={!!fields.title}
          />
          <FieldError errors={fields} name="title" />
        </label>
      </div>
      <div className="form-row">
        <label>
          {t("startsAt")}
          <input
            name="starts_at"
            type="datetime-local"
            value={form.starts_at}
            onChange={(e) => setForm({ ...form, starts_at: e.target.value })}
            aria-invalid={!!fields.starts_at}
          />
          <FieldError errors={fields} name="starts_at" />
        </label>
        <label>
          {t("endsAt")}
          <input
            name="ends_at"
            type="datetime-local"
            value={form.ends_at}
            onChange={(e) => setForm({ ...form, ends_at: e.target.value })}
            aria-invalid={!!fields.ends_at}
          />
          <FieldError errors={fields} name="ends_at" />
        </label>
        <label className="grow">
          {t("place")}
          <input
            name="place"
            value={form.place}
            onChange={(e) => setForm({ ...form, place: e.target.value })}
            aria-invalid={!!fields.place}
          />
          <FieldError errors={fields} name="place" />
        </label>
      </div>
      <fieldset className="checks" aria-invalid={!!schoolError.school_ids}>
        <legend>{t("schoolsField")}</legend>
        {schools.map((s) => (
          <label key={s.id} className="check">
            <input
              type="checkbox"
              checked={form.school_ids.includes(s.id)}
              onChange={(e) => setForm({ ...form, school_ids: toggle(form.school_ids, s.id, e.target.checked) })}
            />
            {s.name}
          </label>
        ))}
        <FieldError errors={schoolError} name="school_ids" />
      </fieldset>
      <label>
        {t("agenda")}
        <textarea
          name="agenda"
          rows={4}
          value={form.agenda}
          onChange={(e) => setForm({ ...form, agenda: e.target.value })}
          aria-invalid={!!fields.agenda}
        />
        <FieldError errors={fields} name="agenda" />
      </label>
      <fieldset className="checks" aria-invalid={!!attendanceError.attendance}>
        <legend>{t("attendance")}</legend>
        <p className="muted hint">{t("attendanceHint")}</p>
        {people.map((p) => (
          <label key={p.id} className="check">
            <input
              type="checkbox"
              checked={form.attendance.includes(p.id)}
              onChange={(e) => setForm({ ...form, attendance: toggle(form.attendance, p.id, e.target.checked) })}
            />
            {p.name} <span className="muted">· {roleLabel(tt, p.role)}</span>
          </label>
        ))}
        <FieldError errors={attendanceError} name="attendance" />
      </fieldset>
      <label>
        {t("notes")}
        <textarea
          name="notes"
          rows={3}
          value={form.notes}
          onChange={(e) => setForm({ ...form, notes: e.target.value })}
          aria-invalid={!!fields.notes}
        />
        <FieldError errors={fields} name="notes" />
      </label>
      <label>
        {t("agreements")}
        <textarea
          name="agreements"
          rows={3}
          value={form.agreements}
          onChange={(e) => setForm({ ...form, agreements: e.target.value })}
          aria-invalid={!!fields.agreements}
        />
        <FieldError errors={fields} name="agreements" />
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t("saving") : t("saveEvent")}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}
