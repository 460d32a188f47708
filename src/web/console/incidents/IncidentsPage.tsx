import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INCIDENT_CAUSES, INCIDENT_STATUSES, type IncidentStatus } from '../../../domain/vocabulary.ts';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { Link } from '../../shared/router.tsx';
import { api } from '../api.ts';
import { instantFromInput } from '../case/FailureTimes.tsx';
import { useLiveEvents } from '../live.tsx';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';

type Incident = paths['/api/v1/incidents']['get']['responses'][200]['content']['application/json'][number];
type IncidentDetail = paths['/api/v1/incidents/{id}']['get']['responses'][200]['content']['application/json'];
type Zone = paths['/api/v1/zones']['get']['responses'][200]['content']['application/json'][number];
type Proposal =
  paths['/api/v1/incident-proposals']['get']['responses'][200]['content']['application/json'][number];
type Accepted =
  paths['/api/v1/incident-proposals/{id}/accept']['post']['responses'][200]['content']['application/json'];

const isIncidentEvent = (kind: string) => kind === 'incident_declared' || kind === 'incident_updated';
const isProposalEvent = (kind: string) =>
  kind.startsWith('incident_proposal') || kind === 'incident_proposed';

/** Reads a failed request's problem into state; anything else is a bug and is thrown on. */
async function attempt(run: () => Promise<void>, setFailure: (error: ApiError | undefined) => void) {
  setFailure(undefined);
  try {
    await run();
  } catch (caught) {
    if (!(caught instanceof ApiError)) throw caught;
    setFailure(caught);
  }
}

/** What customers read of an incident: its cause and its public text, with ids under `prefix`. */
function CauseAndText({
  prefix,
  cause,
  onCause,
  text,
  onText,
}: {
  prefix: string;
  cause: string;
  onCause: (cause: string) => void;
  text: string;
  onText: (text: string) => void;
}) {
  const { t } = useTranslation('console');
  return (
    <>
      <Field id={`${prefix}-cause`} label={t('incidents.cause')}>
        <select id={`${prefix}-cause`} value={cause} onChange={(event) => onCause(event.target.value)}>
          {INCIDENT_CAUSES.map((c) => (
            <option key={c} value={c}>
              {t(`incidents.causes.${c}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${prefix}-text`} label={t('incidents.publicText')} hint={t('incidents.publicTextHint')}>
        <textarea
          {...describedBy(`${prefix}-text`, { hint: true })}
          maxLength={1000}
          rows={3}
          value={text}
          onChange={(event) => onText(event.target.value)}
        />
      </Field>
    </>
  );
}

/** A date and time in the provider's zone, as the browser's picker gives it. */
function InstantField(props: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint}>
      <input
        {...describedBy(props.id, { hint: props.hint !== undefined })}
        type="datetime-local"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </Field>
  );
}

function DeclareForm({ zones, onDeclared }: { zones: Zone[]; onDeclared: (incident: Incident) => void }) {
  const { t } = useTranslation('console');
  const { timeZone } = useSession();
  const [zoneIds, setZoneIds] = useState<number[]>([]);
  const [cause, setCause] = useState<string>(INCIDENT_CAUSES[0]);
  const [publicText, setPublicText] = useState('');
  const [startedAt, setStartedAt] = useState('');
  const [eta, setEta] = useState('');
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    void attempt(async () => {
      const incident = await api.post<Incident>('/incidents', {
        zoneIds,
        cause,
        publicText,
        // Left empty, the server's clock says when: a browser's clock running ahead would be refused.
        ...(startedAt ? { startedAt: instantFromInput(startedAt, timeZone) } : {}),
        ...(eta ? { eta: instantFromInput(eta, timeZone) } : {}),
      });
      setZoneIds([]);
      setPublicText('');
      setStartedAt('');
      setEta('');
      onDeclared(incident);
    }, setFailure).finally(() => setBusy(false));
  };

  return (
    <form className="panel action-form" noValidate onSubmit={submit} aria-labelledby="declare-heading">
      <h2 id="declare-heading">{t('incidents.declareHeading')}</h2>
      <Field id="incident-zones" label={t('incidents.zones')} hint={t('incidents.zonesHint')}>
        <select
          {...describedBy('incident-zones', { hint: true })}
          multiple
          size={Math.min(6, Math.max(2, zones.length))}
          value={zoneIds.map(String)}
          onChange={(event) => setZoneIds([...event.target.selectedOptions].map((o) => Number(o.value)))}
        >
          {zones.map((zone) => (
            <option key={zone.id} value={zone.id}>
              {zone.name}
            </option>
          ))}
        </select>
      </Field>
      <CauseAndText
        prefix="incident"
        cause={cause}
        onCause={setCause}
        text={publicText}
        onText={setPublicText}
      />
      <InstantField
        id="incident-start"
        label={t('incidents.startedAt')}
        hint={t('incidents.startedAtHint')}
        value={startedAt}
        onChange={setStartedAt}
      />
      <InstantField
        id="incident-eta"
        label={t('incidents.eta')}
        hint={t('incidents.etaHint')}
        value={eta}
        onChange={setEta}
      />
      <button type="submit" className="button" disabled={busy}>
        {t('incidents.declare')}
      </button>
      <ErrorMessage error={failure} />
    </form>
  );
}

function AcceptForm({
  proposal,
  onAccepted,
}: {
  proposal: Proposal;
  onAccepted: (accepted: Accepted) => void;
}) {
  const { t } = useTranslation('console');
  const { timeZone } = useSession();
  const [cause, setCause] = useState<string>(INCIDENT_CAUSES[0]);
  const [publicText, setPublicText] = useState('');
  const [eta, setEta] = useState('');
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const id = `proposal-${proposal.number}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    void attempt(async () => {
      onAccepted(
        await api.post<Accepted>(`/incident-proposals/${proposal.id}/accept`, {
          cause,
          publicText,
          ...(eta ? { eta: instantFromInput(eta, timeZone) } : {}),
        }),
      );
    }, setFailure).finally(() => setBusy(false));
  };

  return (
    <form className="action-form" noValidate onSubmit={submit} aria-labelledby={`${id}-accept-heading`}>
      <h4 id={`${id}-accept-heading`}>{t('incidents.proposals.acceptHeading')}</h4>
      <CauseAndText prefix={id} cause={cause} onCause={setCause} text={publicText} onText={setPublicText} />
      <InstantField
        id={`${id}-eta`}
        label={t('incidents.eta')}
        hint={t('incidents.etaHint')}
        value={eta}
        onChange={setEta}
      />
      <button type="submit" className="button" disabled={busy}>
        {t('incidents.proposals.accept', { number: proposal.number })}
      </button>
      <ErrorMessage error={failure} />
    </form>
  );
}

function DismissForm({ proposal, onDismissed }: { proposal: Proposal; onDismissed: () => void }) {
  const { t } = useTranslation('console');
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const id = `proposal-${proposal.number}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    void attempt(async () => {
      await api.post(`/incident-proposals/${proposal.id}/dismiss`, { reason });
      onDismissed();
    }, setFailure).finally(() => setBusy(false));
  };

  return (
    <form className="action-form" noValidate onSubmit={submit} aria-labelledby={`${id}-dismiss-heading`}>
      <h4 id={`${id}-dismiss-heading`}>{t('incidents.proposals.dismissHeading')}</h4>
      <Field
        id={`${id}-reason`}
        label={t('incidents.proposals.reason')}
        hint={t('incidents.proposals.reasonHint')}
      >
        <input
          {...describedBy(`${id}-reason`, { hint: true })}
          maxLength={500}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
      </Field>
      <button type="submit" className="button" disabled={busy}>
        {t('incidents.proposals.dismiss', { number: proposal.number })}
      </button>
      <ErrorMessage error={failure} />
    </form>
  );
}

/**
 * The outages Atiende proposes from failure reports, pending a supervisor's decision: each with its
 * zone, the rule it met and its reports; accepting declares the incident and links them.
 */
function Proposals({ onDecided }: { onDecided: (notice: string) => void }) {
  const { t, i18n } = useTranslation('console');
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const pending = useAsync(() => api.get<Proposal[]>('/incident-proposals?status=pendiente'), []);
  useLiveEvents((batch) => {
    if (batch.some((e) => isProposalEvent(e.kind))) void pending.reload();
  });

  return (
    <section aria-labelledby="proposals-heading">
      <h2 id="proposals-heading">{t('incidents.proposals.heading')}</h2>
      <p className="muted">{t('incidents.proposals.explain')}</p>
      <ErrorMessage error={pending.error} />
      {pending.data?.length === 0 && <p className="muted">{t('incidents.proposals.none')}</p>}
      {pending.data?.map((proposal) => (
        <article
          key={proposal.id}
          className="panel"
          aria-labelledby={`proposal-${proposal.number}-heading`}
          data-testid="incident-proposal"
        >
          <h3 id={`proposal-${proposal.number}-heading`}>
            {t('incidents.proposals.title', { number: proposal.number, zone: proposal.zone.name })}
          </h3>
          <p>
            {t('incidents.proposals.reports', { count: proposal.reports.length })} ·{' '}
            {t('incidents.proposals.rule', {
              reports: proposal.rule.reports,
              minutes: proposal.rule.windowMinutes,
            })}
          </p>
          <ul aria-label={t('incidents.proposals.reportsList', { number: proposal.number })}>
            {proposal.reports.map((report) => (
              <li key={report.folio}>
                <Link to={PATHS.case(report.folio)}>{report.folio}</Link> —{' '}
                {formatDateTime(report.createdAt, language, timeZone)} — {report.subject}
              </li>
            ))}
          </ul>
          <AcceptForm
            proposal={proposal}
            onAccepted={(accepted) => {
              onDecided(
                t('incidents.proposals.accepted', {
                  incident: accepted.incident.number,
                  count: accepted.linked,
                }),
              );
              void pending.reload();
            }}
          />
          <DismissForm
            proposal={proposal}
            onDismissed={() => {
              onDecided(t('incidents.proposals.dismissed', { number: proposal.number }));
              void pending.reload();
            }}
          />
        </article>
      ))}
    </section>
  );
}

/** The supervisors' list of incidents, those in force first, and the form to declare one. */
export function IncidentsPage() {
  const { t, i18n } = useTranslation('console');
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const [status, setStatus] = useState<IncidentStatus | ''>('');
  const [notice, setNotice] = useState('');
  const list = useAsync(
    () => api.get<Incident[]>(`/incidents${status ? `?status=${status}` : ''}`),
    [status],
  );
  const zones = useAsync(() => api.get<Zone[]>('/zones'), []);
  useLiveEvents((batch) => {
    if (batch.some((e) => isIncidentEvent(e.kind))) void list.reload();
  });

  return (
    <>
      <h1>{t('incidents.title')}</h1>
      <p className="muted">{t('incidents.explain')}</p>
      <p>
        <a href="/estado" target="_blank" rel="noopener">
          {t('incidents.publicPage')}
        </a>
      </p>
      <p className="notice" role="status">
        {notice}
      </p>
      <Proposals
        onDecided={(text) => {
          setNotice(text);
          void list.reload();
        }}
      />
      <DeclareForm
        zones={zones.data ?? []}
        onDeclared={(incident) => {
          setNotice(t('incidents.declared', { number: incident.number }));
          void list.reload();
        }}
      />
      <h2>{t('incidents.listHeading')}</h2>
      <Field id="incident-filter" label={t('incidents.filterStatus')}>
        <select
          id="incident-filter"
          value={status}
          onChange={(event) => setStatus(event.target.value as IncidentStatus | '')}
        >
          <option value="">{t('incidents.all')}</option>
          {INCIDENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`incidents.status.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <ErrorMessage error={list.error ?? zones.error} />
      {list.data?.length === 0 ? (
        <p className="muted">{t('incidents.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="cases" data-testid="incidents">
            <thead>
              <tr>
                <th scope="col">{t('incidents.columns.number')}</th>
                <th scope="col">{t('incidents.columns.status')}</th>
                <th scope="col">{t('incidents.columns.cause')}</th>
                <th scope="col">{t('incidents.columns.zones')}</th>
                <th scope="col">{t('incidents.columns.startedAt')}</th>
                <th scope="col">{t('incidents.columns.eta')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.map((incident) => (
                <tr key={incident.id}>
                  <td>
                    <Link to={PATHS.incident(incident.id)}>
                      {t('incidents.number', { number: incident.number })}
                    </Link>
                  </td>
                  <td>{t(`incidents.status.${incident.status}`)}</td>
                  <td>{t(`incidents.causes.${incident.cause}`)}</td>
                  <td>{incident.zones.map((z) => z.name).join(', ')}</td>
                  <td>{formatDateTime(incident.startedAt, language, timeZone)}</td>
                  <td>
                    {incident.eta ? formatDateTime(incident.eta, language, timeZone) : t('incidents.noEta')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function UpdateForm({ incident, onPosted }: { incident: IncidentDetail; onPosted: () => Promise<void> }) {
  const { t } = useTranslation('console');
  const { timeZone } = useSession();
  const [text, setText] = useState('');
  const [status, setStatus] = useState<IncidentStatus | ''>('');
  const [eta, setEta] = useState('');
  const [restoredAt, setRestoredAt] = useState('');
  const [failure, setFailure] = useState<ApiError>();
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setNotice('');
    void attempt(async () => {
      await api.post(`/incidents/${incident.id}/updates`, {
        ...(text.trim() ? { text } : {}),
        ...(status ? { status } : {}),
        ...(eta ? { eta: instantFromInput(eta, timeZone) } : {}),
        ...(restoredAt && status === 'restablecido'
          ? { restoredAt: instantFromInput(restoredAt, timeZone) }
          : {}),
      });
      setText('');
      setStatus('');
      setEta('');
      setRestoredAt('');
      setNotice(t('incidents.posted'));
      await onPosted();
    }, setFailure).finally(() => setBusy(false));
  };

  return (
    <form className="panel action-form" noValidate onSubmit={submit} aria-labelledby="update-heading">
      <h2 id="update-heading">{t('incidents.updateHeading')}</h2>
      <Field id="update-text" label={t('incidents.text')} hint={t('incidents.publicTextHint')}>
        <textarea
          {...describedBy('update-text', { hint: true })}
          maxLength={1000}
          rows={3}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </Field>
      <Field id="update-status" label={t('incidents.newStatus')}>
        <select
          id="update-status"
          value={status}
          onChange={(event) => setStatus(event.target.value as IncidentStatus | '')}
        >
          <option value="">{t('incidents.keepStatus')}</option>
          {INCIDENT_STATUSES.filter((s) => s !== incident.status).map((s) => (
            <option key={s} value={s}>
              {t(`incidents.status.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <InstantField id="update-eta" label={t('incidents.newEta')} value={eta} onChange={setEta} />
      {status === 'restablecido' && (
        <InstantField
          id="update-restored"
          label={t('incidents.restoredAtInput')}
          hint={t('incidents.restoredAtHint')}
          value={restoredAt}
          onChange={setRestoredAt}
        />
      )}
      <button type="submit" className="button" disabled={busy}>
        {t('incidents.post')}
      </button>
      <p className="notice" role="status">
        {notice}
      </p>
      <ErrorMessage error={failure} />
    </form>
  );
}

/** One incident: what customers read, its updates, and the form to post news or change its status. */
export function IncidentPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('console');
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const detail = useAsync(() => api.get<IncidentDetail>(`/incidents/${encodeURIComponent(id)}`), [id]);
  useLiveEvents((batch) => {
    if (batch.some((e) => isIncidentEvent(e.kind))) void detail.reload();
  });
  const incident = detail.data;
  const when = (iso: string | null) => (iso ? formatDateTime(iso, language, timeZone) : t('incidents.noEta'));
  return (
    <>
      <p>
        <Link to={PATHS.incidents}>{t('incidents.back')}</Link>
      </p>
      <ErrorMessage error={detail.error} />
      {incident && (
        <>
          <h1>
            {t('incidents.detailHeading', { number: incident.number })}:{' '}
            <span data-testid="incident-status">{t(`incidents.status.${incident.status}`)}</span>
          </h1>
          <p>{incident.publicText}</p>
          <dl className="case__facts">
            <div>
              <dt>{t('incidents.cause')}</dt>
              <dd>{t(`incidents.causes.${incident.cause}`)}</dd>
            </div>
            <div>
              <dt>{t('incidents.zones')}</dt>
              <dd>{incident.zones.map((z) => z.name).join(', ')}</dd>
            </div>
            <div>
              <dt>{t('incidents.startedAt')}</dt>
              <dd>{when(incident.startedAt)}</dd>
            </div>
            <div>
              <dt>{incident.restoredAt ? t('incidents.restoredAt') : t('incidents.eta')}</dt>
              <dd>{when(incident.restoredAt ?? incident.eta)}</dd>
            </div>
          </dl>
          <p>{t('incidents.linkedCases', { count: incident.linkedCases })}</p>
          {incident.status !== 'cerrado' && <UpdateForm incident={incident} onPosted={detail.reload} />}
          <h2>{t('incidents.updatesHeading')}</h2>
          <ol data-testid="incident-updates">
            {[...incident.updates].reverse().map((update) => (
              <li key={update.id}>
                {formatDateTime(update.at, language, timeZone)} — {t(`incidents.status.${update.status}`)}
                {update.text ? `: ${update.text}` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
