import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMxn } from '../../../accounts/money.ts';
import type { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import type { CaseDetail, CustomerServices, Message } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';
import { useSession } from '../session.tsx';

type CaseCancellationData =
  paths['/api/v1/cases/{folio}/cancellation']['get']['responses'][200]['content']['application/json'];

/** What the customer typed on a written channel or the portal: the only thing that withdraws a cancellation. */
const WRITTEN_CHANNELS: readonly string[] = ['whatsapp', 'email', 'facebook', 'portal'];

/**
 * A cancellation case's side panel: record the cancellation (effective on the request day or a later one
 * the customer chose, with the equipment to return), then its effective date, deadline, status, final
 * balance and equipment; retention offers are recorded beside it and never stop it; only the customer's
 * written message on the case withdraws it.
 */
export function CaseCancellation({ kase, mayChange }: { kase: CaseDetail; mayChange: boolean }) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const folio = encodeURIComponent(kase.folio);
  const base = `/cases/${folio}/cancellation`;
  const data = useAsync(() => api.get<CaseCancellationData>(base), [base]);
  const services = useAsync(
    () => api.get<CustomerServices>(`/customers/${kase.customer.id}/services`),
    [kase.customer.id],
  );
  const [serviceId, setServiceId] = useState(kase.serviceId ?? '');
  const [chosenDate, setChosenDate] = useState('');
  const [equipment, setEquipment] = useState('');
  const [offer, setOffer] = useState('');
  const [messageId, setMessageId] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  useLiveEvents((events) => {
    if (events.some((e) => e.folio === kase.folio)) void data.reload();
  });

  const send = async (path: string, body: unknown, after?: () => void) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.post(path, body);
      after?.();
      await data.reload();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const submit = (action: () => Promise<void>) => (event: FormEvent) => {
    event.preventDefault();
    void action();
  };

  const d = data.data;
  const cancellation = d?.cancellation;
  const running = (services.data ?? []).filter((s) => s.status !== 'cancelado');
  const serviceName = (id: string) => {
    const service = services.data?.find((s) => s.id === id);
    return service?.plan?.name ?? service?.externalRef ?? id.slice(0, 8);
  };
  const written = kase.timeline
    .flatMap((entry) => (entry.type === 'message' ? [entry.message] : []))
    .filter(
      (m: Message) =>
        m.kind === 'entrante' &&
        m.authorAgentId === null &&
        WRITTEN_CHANNELS.includes(m.channel) &&
        cancellation !== null &&
        cancellation !== undefined &&
        m.at > cancellation.requestedAt,
    );
  const inCourse = cancellation?.status === 'en_curso';

  return (
    <section className="panel" aria-labelledby="cancellation-heading" data-testid="case-cancellation">
      <h2 id="cancellation-heading">{t('cancellation.heading')}</h2>
      <ErrorMessage error={data.error ?? error} />
      {d && !cancellation && (
        <>
          <p className="muted">{t('cancellation.none')}</p>
          {mayChange && (
            <form
              className="action-form"
              noValidate
              onSubmit={submit(() =>
                send(base, {
                  ...(serviceId ? { serviceId } : {}),
                  ...(chosenDate ? { chosenDate } : {}),
                  equipment: equipment
                    .split('\n')
                    .map((line) => line.trim())
                    .filter(Boolean),
                }),
              )}
            >
              <Field id="cancellation-service" label={t('cancellation.service')}>
                <select
                  id="cancellation-service"
                  value={serviceId}
                  onChange={(event) => setServiceId(event.target.value)}
                >
                  <option value="">—</option>
                  {running.map((s) => (
                    <option key={s.id} value={s.id}>
                      {serviceName(s.id)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field
                id="cancellation-date"
                label={t('cancellation.chosenDate')}
                hint={t('cancellation.chosenDateHint')}
              >
                <input
                  {...describedBy('cancellation-date', { hint: true })}
                  type="date"
                  value={chosenDate}
                  onChange={(event) => setChosenDate(event.target.value)}
                />
              </Field>
              <Field id="cancellation-equipment" label={t('cancellation.equipment')}>
                <textarea
                  id="cancellation-equipment"
                  rows={2}
                  value={equipment}
                  onChange={(event) => setEquipment(event.target.value)}
                />
              </Field>
              <button type="submit" className="button" disabled={busy}>
                {t('cancellation.record')}
              </button>
            </form>
          )}
        </>
      )}
      {cancellation && (
        <dl className="case__facts">
          <div>
            <dt>{t('cancellation.status')}</dt>
            <dd data-testid="cancellation-status">{t(`cancellation.statusValue.${cancellation.status}`)}</dd>
          </div>
          <div>
            <dt>{t('cancellation.effectiveDate')}</dt>
            <dd data-testid="cancellation-effective-date">{cancellation.effectiveDate}</dd>
          </div>
          <div>
            <dt>{t('cancellation.carryOutBy')}</dt>
            <dd>{cancellation.carryOutBy}</dd>
          </div>
          <div>
            <dt>{t('cancellation.service')}</dt>
            <dd>{serviceName(cancellation.serviceId)}</dd>
          </div>
          <div>
            <dt>{t('cancellation.finalBalance')}</dt>
            <dd data-testid="cancellation-final-balance">{formatMxn(d?.finalBalanceCentavos ?? 0)}</dd>
          </div>
          <div>
            <dt>{t('cancellation.equipmentList')}</dt>
            <dd>
              {cancellation.equipment.length === 0
                ? t('cancellation.noEquipment')
                : `${cancellation.equipment.join(', ')} (${
                    cancellation.equipmentReturnedAt
                      ? `${t('cancellation.returned')} ${formatDateTime(cancellation.equipmentReturnedAt, language, timeZone)}`
                      : t('cancellation.notReturned')
                  })`}
            </dd>
          </div>
        </dl>
      )}
      {cancellation &&
        mayChange &&
        cancellation.equipment.length > 0 &&
        !cancellation.equipmentReturnedAt && (
          <p>
            <button
              type="button"
              className="button button--small"
              disabled={busy}
              onClick={() => void send(`${base}/equipment-returned`, undefined)}
            >
              {t('cancellation.markReturned')}
            </button>
          </p>
        )}
      {d && (
        <>
          <h3>{t('cancellation.offers')}</h3>
          {d.retentionOffers.length === 0 ? (
            <p className="muted">{t('cancellation.noOffers')}</p>
          ) : (
            <ul>
              {d.retentionOffers.map((o) => (
                <li key={o.at}>
                  {formatDateTime(o.at, language, timeZone)}: {o.text ?? t('cancellation.offerErased')}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {d && mayChange && (!cancellation || inCourse) && (
        <form
          className="action-form"
          noValidate
          onSubmit={submit(() => send(`${base}/offers`, { text: offer }, () => setOffer('')))}
        >
          <Field id="cancellation-offer" label={t('cancellation.offer')}>
            <textarea
              id="cancellation-offer"
              rows={2}
              value={offer}
              onChange={(event) => setOffer(event.target.value)}
            />
          </Field>
          <button type="submit" className="button" disabled={busy || !offer.trim()}>
            {t('cancellation.recordOffer')}
          </button>
        </form>
      )}
      {cancellation && mayChange && inCourse && (
        <form
          className="action-form"
          noValidate
          onSubmit={submit(() => send(`${base}/withdrawal`, { messageId }))}
        >
          {written.length === 0 ? (
            <p className="muted">{t('cancellation.noWrittenMessage')}</p>
          ) : (
            <>
              <Field id="cancellation-withdrawal" label={t('cancellation.withdrawMessage')}>
                <select
                  id="cancellation-withdrawal"
                  value={messageId}
                  onChange={(event) => setMessageId(event.target.value)}
                >
                  <option value="">{t('cancellation.pickMessage')}</option>
                  {written.map((m) => (
                    <option key={m.id} value={m.id}>
                      {formatDateTime(m.at, language, timeZone)} · {t(`common:channel.${m.channel}`)} ·{' '}
                      {m.body.slice(0, 60)}
                    </option>
                  ))}
                </select>
              </Field>
              <button type="submit" className="button" disabled={busy || !messageId}>
                {t('cancellation.withdraw')}
              </button>
            </>
          )}
        </form>
      )}
    </section>
  );
}
