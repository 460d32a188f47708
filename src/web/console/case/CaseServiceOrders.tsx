import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SERVICE_ORDER_KINDS, type ServiceOrderKind } from '../../../domain/vocabulary.ts';
import type { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import type { CaseDetail } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';
import { useSession } from '../session.tsx';
import { isFinal } from './lifecycle.ts';

type Orders =
  paths['/api/v1/cases/{folio}/service-orders']['get']['responses'][200]['content']['application/json'];
type Order = Orders['orders'][number];

/** Runs a write, showing its refusal; true when it went through. */
function useWrite() {
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const run = async (write: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await write();
      return true;
    } catch (caught) {
      setError(caught as ApiError);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

/** Field visits ordered from the case: their windows, clocks and visits, and ordering or scheduling one. */
export function CaseServiceOrders({ kase, mayChange }: { kase: CaseDetail; mayChange: boolean }) {
  const { t } = useTranslation(['console', 'common']);
  const folio = encodeURIComponent(kase.folio);
  const list = useAsync(() => api.get<Orders>(`/cases/${folio}/service-orders`), [folio]);
  useLiveEvents((events) => {
    if (events.some((e) => e.folio === kase.folio)) void list.reload();
  });
  const orders = list.data?.orders ?? [];
  const open = mayChange && !isFinal(kase.status);
  return (
    <section className="panel" aria-labelledby="service-orders-heading" data-testid="case-service-orders">
      <h2 id="service-orders-heading">{t('field.panel.heading')}</h2>
      <ErrorMessage error={list.error} />
      {list.data && orders.length === 0 && <p className="muted">{t('field.panel.none')}</p>}
      <ul className="payments">
        {orders.map((order) => (
          <OrderItem key={order.id} order={order} mayChange={open} onChanged={list.reload} />
        ))}
      </ul>
      {open && <CreateOrder folio={folio} onDone={list.reload} />}
    </section>
  );
}

function OrderItem({
  order,
  mayChange,
  onChanged,
}: {
  order: Order;
  mayChange: boolean;
  onChanged(): Promise<unknown>;
}) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone, agents } = useSession();
  const language = currentLanguage(i18n.language);
  const when = (iso: string) => formatDateTime(iso, language, timeZone);
  const write = useWrite();
  const technician =
    order.technicianName ?? agents.find((a) => a.id === order.technicianAgentId)?.name ?? '—';
  const ended = order.status === 'realizada' || order.status === 'no_procede';
  return (
    <li className="payment">
      <p>
        <strong>{t('field.panel.order', { number: order.number })}</strong> · {t(`field.kind.${order.kind}`)}{' '}
        · {t(`field.status.${order.status}`)}
      </p>
      <p>
        {t('field.panel.technician')}: {technician}
      </p>
      {order.windowStart && order.windowEnd && (
        <p>
          {t('field.panel.window', { from: when(order.windowStart), to: when(order.windowEnd) })}
          {order.confirmedAt ? ` · ${t('field.panel.confirmed')}` : ''}
        </p>
      )}
      {order.clock && (
        <p className="muted">
          {order.clock.metAt
            ? t('field.panel.met', { date: when(order.clock.metAt) })
            : t('field.panel.due', { date: when(order.clock.dueAt) })}
        </p>
      )}
      {order.visits.length > 0 && (
        <ul aria-label={t('field.panel.visits')}>
          {order.visits.map((visit) => (
            <li key={visit.id}>
              {when(visit.recordedAt)} · {t(`field.outcome.${visit.outcome}`)}
              {visit.photoSha256 && (
                <>
                  {' · '}
                  <a
                    href={`/api/v1/attachments/${visit.photoSha256}?inline=1`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    {t('field.panel.photo')}
                  </a>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayChange && !ended && (
        <>
          <ScheduleForm order={order} onDone={onChanged} />
          {order.status === 'agendada' && !order.confirmedAt && (
            <button
              type="button"
              className="button button--small"
              disabled={write.busy}
              onClick={() =>
                void write
                  .run(() => api.post(`/service-orders/${order.id}/confirm`))
                  .then((ok) => ok && onChanged())
              }
            >
              {t('field.panel.confirm')}
            </button>
          )}
          <ErrorMessage error={write.error} />
        </>
      )}
    </li>
  );
}

function ScheduleForm({ order, onDone }: { order: Order; onDone(): Promise<unknown> }) {
  const { t } = useTranslation(['console', 'common']);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const write = useWrite();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await write.run(() =>
      api.post(`/service-orders/${order.id}/schedule`, {
        windowStart: start ? new Date(start).toISOString() : '',
        windowEnd: end ? new Date(end).toISOString() : '',
      }),
    );
    if (ok) await onDone();
  };
  const id = `order-${order.id}`;
  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)} noValidate>
      <Field id={`${id}-start`} label={t('field.panel.windowStart')}>
        <input
          {...describedBy(`${id}-start`, {})}
          type="datetime-local"
          value={start}
          onChange={(e) => setStart(e.target.value)}
        />
      </Field>
      <Field id={`${id}-end`} label={t('field.panel.windowEnd')}>
        <input
          {...describedBy(`${id}-end`, {})}
          type="datetime-local"
          value={end}
          onChange={(e) => setEnd(e.target.value)}
        />
      </Field>
      <button type="submit" className="button button--small" disabled={write.busy}>
        {t('field.panel.schedule')}
      </button>
      <ErrorMessage error={write.error} />
    </form>
  );
}

function CreateOrder({ folio, onDone }: { folio: string; onDone(): Promise<unknown> }) {
  const { t } = useTranslation(['console', 'common']);
  const { agents } = useSession();
  const technicians = agents.filter((a) => a.role === 'tecnico' && a.active);
  const [kind, setKind] = useState<ServiceOrderKind>('reparacion');
  const [technicianAgentId, setTechnicianAgentId] = useState('');
  const [technicianName, setTechnicianName] = useState('');
  const write = useWrite();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await write.run(() =>
      api.post(`/cases/${folio}/service-orders`, {
        kind,
        ...(technicianAgentId ? { technicianAgentId } : {}),
        ...(technicianName.trim() ? { technicianName } : {}),
      }),
    );
    if (ok) {
      setTechnicianAgentId('');
      setTechnicianName('');
      await onDone();
    }
  };
  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)} noValidate>
      <Field id="order-kind" label={t('field.panel.kind')}>
        <select
          {...describedBy('order-kind', {})}
          value={kind}
          onChange={(e) => setKind(e.target.value as ServiceOrderKind)}
        >
          {SERVICE_ORDER_KINDS.map((value) => (
            <option key={value} value={value}>
              {t(`field.kind.${value}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="order-technician" label={t('field.panel.technician')}>
        <select
          {...describedBy('order-technician', {})}
          value={technicianAgentId}
          onChange={(e) => setTechnicianAgentId(e.target.value)}
        >
          <option value="">{t('field.panel.pickTechnician')}</option>
          {technicians.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="order-technician-name" label={t('field.panel.technicianName')}>
        <input
          {...describedBy('order-technician-name', {})}
          maxLength={120}
          value={technicianName}
          onChange={(e) => setTechnicianName(e.target.value)}
        />
      </Field>
      <button type="submit" className="button button--small" disabled={write.busy}>
        {t('field.panel.create')}
      </button>
      <ErrorMessage error={write.error} />
    </form>
  );
}
