import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ARCO_STATUSES, type ArcoStatus, type ContactKind } from '../../../domain/vocabulary.ts';
import type { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { Field } from '../../shared/Field.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync, useNow } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { Link, useLocation } from '../../shared/router.tsx';
import type { Deadline } from '../../shared/types.ts';
import { api } from '../api.ts';
import { CaseDeadline } from '../case/CaseDeadline.tsx';
import type { CustomerWithRepresentatives } from '../customers/types.ts';
import { useLiveEvents } from '../live.tsx';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';
import { RegisterArco } from './RegisterArco.tsx';
import {
  type ArcoRequest,
  attempt,
  type Corrections,
  mayDecide,
  REFUSAL_REASONS,
  type RefusalReason,
} from './shared.ts';

/** The 20/15 business-day figures and where they come from; until confirmed under the 2025 law, said so. */
function Figures({ figures }: { figures: ArcoRequest['figures'] }) {
  const { t } = useTranslation('console');
  const values = {
    answer: figures.answerBusinessDays,
    execute: figures.executeBusinessDays,
    source: figures.source,
  };
  return (
    <p className={figures.confirmed ? 'notice-info' : 'notice-warning'} data-testid="arco-figures">
      {t(figures.confirmed ? 'arco.figuresConfirmed' : 'arco.figuresUnconfirmed', values)}
    </p>
  );
}

/** The answer and execution clocks, as the case header shows a deadline. */
function deadlineCells(request: ArcoRequest, now: number, timeZone: string) {
  const answer = (request.deadlines.respuesta_arco ?? null) as Deadline | null;
  const execution = (request.deadlines.ejecucion_arco ?? null) as Deadline | null;
  return {
    answer: <CaseDeadline deadline={answer} now={now} timeZone={timeZone} testId="arco-answer-deadline" />,
    execution: (
      <CaseDeadline deadline={execution} now={now} timeZone={timeZone} testId="arco-execution-deadline" />
    ),
  };
}

function Row({ request, now }: { request: ArcoRequest; now: number }) {
  const { t, i18n } = useTranslation('console');
  const { timeZone } = useSession();
  const deadlines = deadlineCells(request, now, timeZone);
  return (
    <tr>
      <td>
        <Link to={PATHS.case(request.folio)}>{request.folio}</Link>
      </td>
      <td>
        <Link to={`/app/arco/${request.id}`}>{t(`arco.subtype.${request.subtype}`)}</Link>
      </td>
      <td>{t(`arco.status.${request.status}`)}</td>
      <td>{formatDateTime(request.createdAt, currentLanguage(i18n.language), timeZone)}</td>
      <td>{deadlines.answer}</td>
      <td>{deadlines.execution}</td>
    </tr>
  );
}

/** The ARCO requests of the agent's areas, by status, and the form to register one. */
export function ArcoListPage() {
  const { t } = useTranslation('console');
  const now = useNow();
  const { search } = useLocation();
  const [status, setStatus] = useState<ArcoStatus | ''>('');
  const list = useAsync(
    () =>
      api.get<{ items: ArcoRequest[] }>(
        `/arco-requests?${new URLSearchParams(status ? { status, limit: '200' } : { limit: '200' })}`,
      ),
    [status],
  );
  const customerId = search.get('customer');
  const customer = useAsync(
    () =>
      customerId
        ? api.get<CustomerWithRepresentatives>(`/customers/${customerId}`)
        : Promise.resolve(undefined),
    [customerId],
  );
  useLiveEvents((events) => {
    if (events.some((e) => e.kind.startsWith('arco_'))) void list.reload();
  });
  const items = list.data?.items ?? [];
  const figures = items[0]?.figures;

  return (
    <>
      <h1>{t('arco.heading')}</h1>
      {figures && <Figures figures={figures} />}
      <Field id="arco-status-filter" label={t('arco.filter')}>
        <select
          id="arco-status-filter"
          value={status}
          onChange={(event) => setStatus(event.target.value as ArcoStatus | '')}
        >
          <option value="">{t('arco.allStatuses')}</option>
          {ARCO_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`arco.status.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <ErrorMessage error={list.error} />
      {list.data && items.length === 0 && <p>{t('arco.empty')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="cases" data-testid="arco-requests">
            <thead>
              <tr>
                <th scope="col">{t('arco.columns.folio')}</th>
                <th scope="col">{t('arco.columns.subtype')}</th>
                <th scope="col">{t('arco.columns.status')}</th>
                <th scope="col">{t('arco.columns.received')}</th>
                <th scope="col">{t('arco.columns.answerDeadline')}</th>
                <th scope="col">{t('arco.columns.executionDeadline')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((request) => (
                <Row key={request.id} request={request} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {customerId && !customer.data ? (
        <ErrorMessage error={customer.error} />
      ) : (
        <RegisterArco key={customerId ?? ''} customer={customer.data} />
      )}
    </>
  );
}

function CorrectionsList({ details }: { details: Corrections }) {
  const { t } = useTranslation('console');
  const kind = (k: ContactKind) => t(`arco.contactKind.${k}`);
  return (
    <section aria-labelledby="arco-corrections-heading" data-testid="arco-corrections">
      <h3 id="arco-corrections-heading">{t('arco.request.corrections')}</h3>
      <ul>
        {details.name && <li>{t('arco.request.newName', { name: details.name })}</li>}
        {(details.addContacts ?? []).map((c) => (
          <li key={`add-${c.kind}-${c.address}`}>
            {t('arco.request.addContact', { kind: kind(c.kind), address: c.address })}
          </li>
        ))}
        {(details.removeContacts ?? []).map((c) => (
          <li key={`remove-${c.kind}-${c.address}`}>
            {t('arco.request.removeContact', { kind: kind(c.kind), address: c.address })}
          </li>
        ))}
      </ul>
    </section>
  );
}

type IdentityMethod = 'pin' | 'codigo_enviado' | 'representante_autorizado';

function IdentityForm({ request, onDone }: { request: ArcoRequest; onDone: (r: ArcoRequest) => void }) {
  const { t } = useTranslation('console');
  const customer = useAsync(
    () => api.get<CustomerWithRepresentatives>(`/customers/${request.customerId}`),
    [request.customerId],
  );
  const representatives = (customer.data?.representatives ?? []).filter((r) => r.active);
  const [method, setMethod] = useState<IdentityMethod>('representante_autorizado');
  const [secret, setSecret] = useState('');
  const [representativeId, setRepresentativeId] = useState('');
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const chosen = representativeId || representatives[0]?.id || '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const body =
      method === 'pin'
        ? { method, pin: secret }
        : method === 'codigo_enviado'
          ? { method, code: secret }
          : { method, representativeId: chosen };
    void attempt(async () => {
      onDone(await api.post<ArcoRequest>(`/arco-requests/${request.id}/identity`, body));
    }, setFailure).finally(() => setBusy(false));
  };

  return (
    <form className="panel action-form" noValidate onSubmit={submit} aria-labelledby="arco-identity-heading">
      <h2 id="arco-identity-heading">{t('arco.identity.heading')}</h2>
      <Field id="arco-identity-method" label={t('arco.identity.method')}>
        <select
          id="arco-identity-method"
          value={method}
          onChange={(event) => setMethod(event.target.value as IdentityMethod)}
        >
          {(['representante_autorizado', 'pin', 'codigo_enviado'] as const).map((m) => (
            <option key={m} value={m}>
              {t(`arco.identity.methods.${m}`)}
            </option>
          ))}
        </select>
      </Field>
      {method === 'representante_autorizado' &&
        (representatives.length === 0 ? (
          <p>{t('arco.identity.noRepresentatives')}</p>
        ) : (
          <Field id="arco-identity-representative" label={t('arco.identity.representative')}>
            <select
              id="arco-identity-representative"
              value={chosen}
              onChange={(event) => setRepresentativeId(event.target.value)}
            >
              {representatives.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </Field>
        ))}
      {method !== 'representante_autorizado' && (
        <Field
          id="arco-identity-secret"
          label={t(method === 'pin' ? 'arco.identity.pin' : 'arco.identity.code')}
        >
          <input
            id="arco-identity-secret"
            inputMode="numeric"
            autoComplete="off"
            value={secret}
            onChange={(event) => setSecret(event.target.value)}
          />
        </Field>
      )}
      <button type="submit" className="button" disabled={busy}>
        {t('arco.identity.submit')}
      </button>
      <ErrorMessage error={failure} />
    </form>
  );
}

function AnswerForm({ request, onDone }: { request: ArcoRequest; onDone: (r: ArcoRequest) => void }) {
  const { t } = useTranslation('console');
  const [outcome, setOutcome] = useState<'procedente' | 'improcedente'>('procedente');
  const [reason, setReason] = useState<RefusalReason>('datos_no_tratados');
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const body = outcome === 'procedente' ? { outcome } : { outcome, reason };
    void attempt(async () => {
      onDone(await api.post<ArcoRequest>(`/arco-requests/${request.id}/answer`, body));
    }, setFailure).finally(() => setBusy(false));
  };

  return (
    <form className="panel action-form" noValidate onSubmit={submit} aria-labelledby="arco-answer-heading">
      <h2 id="arco-answer-heading">{t('arco.answer.heading')}</h2>
      <Field id="arco-answer-outcome" label={t('arco.answer.outcome')}>
        <select
          id="arco-answer-outcome"
          value={outcome}
          onChange={(event) => setOutcome(event.target.value as 'procedente' | 'improcedente')}
        >
          <option value="procedente">{t('arco.answer.procedente')}</option>
          <option value="improcedente">{t('arco.answer.improcedente')}</option>
        </select>
      </Field>
      {outcome === 'improcedente' && (
        <Field id="arco-answer-reason" label={t('arco.answer.reason')}>
          <select
            id="arco-answer-reason"
            value={reason}
            onChange={(event) => setReason(event.target.value as RefusalReason)}
          >
            {REFUSAL_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`arco.refusal.${r}`)}
              </option>
            ))}
          </select>
        </Field>
      )}
      <button type="submit" className="button" disabled={busy}>
        {t('arco.answer.submit')}
      </button>
      <ErrorMessage error={failure} />
    </form>
  );
}

function ExecuteForm({ request, onDone }: { request: ArcoRequest; onDone: (r: ArcoRequest) => void }) {
  const { t } = useTranslation('console');
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    void attempt(async () => {
      onDone(await api.post<ArcoRequest>(`/arco-requests/${request.id}/execute`, {}));
    }, setFailure).finally(() => setBusy(false));
  };
  return (
    <form className="panel action-form" noValidate onSubmit={submit} aria-labelledby="arco-execute-heading">
      <h2 id="arco-execute-heading">{t('arco.execute.heading')}</h2>
      <p>{t(`arco.execute.hint.${request.subtype}`)}</p>
      {request.subtype === 'rectificacion' && request.details !== null && (
        <CorrectionsList details={request.details as Corrections} />
      )}
      <button type="submit" className="button" disabled={busy}>
        {t('arco.execute.submit')}
      </button>
      <ErrorMessage error={failure} />
    </form>
  );
}

/** One request: its state, deadlines and details, and the next step for who may take it. */
export function ArcoRequestPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('console');
  const session = useSession();
  const now = useNow();
  const loaded = useAsync(() => api.get<ArcoRequest>(`/arco-requests/${id}`), [id]);
  const [latest, setLatest] = useState<ArcoRequest>();
  const language = currentLanguage(i18n.language);
  useLiveEvents((events) => {
    if (events.some((e) => e.kind.startsWith('arco_'))) {
      setLatest(undefined);
      void loaded.reload();
    }
  });

  const request = latest ?? loaded.data;
  if (!request) {
    return (
      <>
        <h1>{t('arco.heading')}</h1>
        <ErrorMessage error={loaded.error} />
      </>
    );
  }
  const date = (iso: string) => formatDateTime(iso, language, session.timeZone);
  const decides = mayDecide(session, request.areaId);
  const deadlines = deadlineCells(request, now, session.timeZone);
  const open = request.status === 'recibida' || request.status === 'respondida';
  return (
    <>
      <p>
        <Link to={PATHS.arco}>{t('arco.request.back')}</Link>
      </p>
      <h1>
        {t('arco.request.heading', { subtype: t(`arco.subtype.${request.subtype}`), folio: request.folio })}
      </h1>
      <Figures figures={request.figures} />
      <dl className="panel" data-testid="arco-request">
        <dt>{t('arco.columns.folio')}</dt>
        <dd>
          <Link to={PATHS.case(request.folio)}>{request.folio}</Link>
        </dd>
        <dt>{t('arco.request.customer')}</dt>
        <dd>
          <Link to={PATHS.customer(request.customerId)}>{t('arco.request.openCustomer')}</Link>
        </dd>
        <dt>{t('arco.columns.status')}</dt>
        <dd data-testid="arco-status">{t(`arco.status.${request.status}`)}</dd>
        <dt>{t('arco.columns.received')}</dt>
        <dd>{date(request.createdAt)}</dd>
        <dt>{t('arco.request.identity')}</dt>
        <dd>
          {request.identityVerifiedAt
            ? t('arco.request.identityVerified', { date: date(request.identityVerifiedAt) })
            : t('arco.request.identityPending')}
        </dd>
        {request.refusalReason && (
          <>
            <dt>{t('arco.answer.reason')}</dt>
            <dd>{t(`arco.refusal.${request.refusalReason}`)}</dd>
          </>
        )}
        <dt>{t('arco.columns.answerDeadline')}</dt>
        <dd>{deadlines.answer}</dd>
        <dt>{t('arco.columns.executionDeadline')}</dt>
        <dd>{deadlines.execution}</dd>
        {request.executedAt && (
          <>
            <dt>{t('arco.request.executedAt')}</dt>
            <dd>{date(request.executedAt)}</dd>
          </>
        )}
      </dl>
      {request.subtype === 'rectificacion' && request.details !== null && request.status !== 'respondida' && (
        <CorrectionsList details={request.details as Corrections} />
      )}
      {open && !request.identityVerifiedAt && <IdentityForm request={request} onDone={setLatest} />}
      {request.status === 'recibida' && decides && <AnswerForm request={request} onDone={setLatest} />}
      {request.status === 'respondida' && decides && <ExecuteForm request={request} onDone={setLatest} />}
      {open && !decides && <p className="notice-info">{t('arco.request.onlySupervisors')}</p>}
    </>
  );
}
