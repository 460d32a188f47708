import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMxn, parseMxn } from '../../../accounts/money.ts';
import { PAYMENT_METHODS, type PaymentMethod } from '../../../domain/vocabulary.ts';
import { type ApiError, readAttachments } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { useAsync, useNow } from '../../shared/hooks.ts';
import type {
  CaseDetail,
  CasePayments as CasePaymentsData,
  CustomerServices,
  Payment,
  RegisterPaymentRequest,
} from '../../shared/types.ts';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';
import { useSession } from '../session.tsx';
import { isFinal } from './lifecycle.ts';
import { ReconnectionClocks } from './ReconnectionClocks.tsx';

/** Today's date in the provider's time zone, as the date inputs take it. */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());

type Form = 'payment' | 'promise' | null;

/**
 * Money on the case: register a payment with the receipt's photo (confirmed by a second agent when the
 * provider asks for it), record a promise to pay, and see the reconnection clock a payment started.
 */
export function CasePayments({ kase, mayChange }: { kase: CaseDetail; mayChange: boolean }) {
  const { t } = useTranslation(['console', 'common']);
  const { timeZone, agent } = useSession();
  const now = useNow();
  const folio = encodeURIComponent(kase.folio);
  const data = useAsync(() => api.get<CasePaymentsData>(`/cases/${folio}/payments`), [folio]);
  const services = useAsync(
    () => api.get<CustomerServices>(`/customers/${kase.customer.id}/services`),
    [kase.customer.id],
  );
  const [form, setForm] = useState<Form>(null);
  const [error, setError] = useState<ApiError>();

  useLiveEvents((events) => {
    if (events.some((e) => e.folio === kase.folio)) {
      void data.reload();
      void services.reload();
    }
  });

  const serviceName = (id: string) => {
    const service = services.data?.find((s) => s.id === id);
    if (!service) return id.slice(0, 8);
    const name = service.plan?.name ?? service.externalRef ?? id.slice(0, 8);
    return service.installAddress ? `${name} — ${service.installAddress}` : name;
  };
  const done = async () => {
    setForm(null);
    await Promise.all([data.reload(), services.reload()]);
  };
  const act = async (payment: Payment, action: 'confirm' | 'reject') => {
    setError(undefined);
    try {
      await api.post(`/payments/${payment.id}/${action}`);
      await done();
    } catch (caught) {
      setError(caught as ApiError);
    }
  };

  const d = data.data;
  return (
    <section className="panel" aria-labelledby="payments-heading" data-testid="case-payments">
      <h2 id="payments-heading">{t('payments.heading')}</h2>
      {d && (
        <ReconnectionClocks
          reconnections={d.reconnections}
          serviceName={serviceName}
          now={now}
          timeZone={timeZone}
        />
      )}
      <ErrorMessage error={data.error ?? error} />
      {d?.requireConfirmation && <p className="muted">{t('payments.needsConfirmation')}</p>}
      {d && d.payments.length === 0 && d.promises.length === 0 && (
        <p className="muted">{t('payments.none')}</p>
      )}
      <ul className="payments">
        {d?.payments.map((p) => (
          <li key={p.id} data-testid="payment">
            <strong>{formatMxn(p.amountCentavos)}</strong> · {t(`payments.methods.${p.method}`)} · {p.paidOn}
            {p.reference ? ` · ${p.reference}` : ''} ·{' '}
            <span className={`status status--${p.status}`} data-testid="payment-status">
              {t(`payments.status.${p.status}`)}
            </span>
            {p.receiptSha256 && (
              <>
                {' · '}
                <a href={`/api/v1/attachments/${p.receiptSha256}?inline=1`} target="_blank" rel="noreferrer">
                  {t('payments.receiptLink')}
                </a>
              </>
            )}
            {p.status === 'por_confirmar' && mayChange && (
              <span className="payments__actions">
                {p.registeredBy !== agent.id && (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => void act(p, 'confirm')}
                  >
                    {t('payments.confirm')}
                  </button>
                )}
                <button type="button" className="button button--small" onClick={() => void act(p, 'reject')}>
                  {t('payments.reject')}
                </button>
              </span>
            )}
          </li>
        ))}
        {d?.promises.map((p) => (
          <li key={p.id} data-testid="promise">
            {t('payments.promisedLine', { amount: formatMxn(p.amountCentavos), date: p.promisedFor })} ·{' '}
            {t(`payments.promiseStatus.${p.status}`)}
          </li>
        ))}
      </ul>
      {mayChange && !isFinal(kase.status) && form === null && (
        <p>
          <button type="button" className="button" onClick={() => setForm('payment')}>
            {t('payments.register')}
          </button>{' '}
          <button type="button" className="button" onClick={() => setForm('promise')}>
            {t('payments.promise')}
          </button>
        </p>
      )}
      {form && (
        <MoneyForm
          kind={form}
          folio={folio}
          services={services.data ?? []}
          defaultServiceId={kase.serviceId}
          serviceName={serviceName}
          today={todayIn(timeZone)}
          onDone={done}
          onCancel={() => setForm(null)}
        />
      )}
    </section>
  );
}

function MoneyForm({
  kind,
  folio,
  services,
  defaultServiceId,
  serviceName,
  today,
  onDone,
  onCancel,
}: {
  kind: 'payment' | 'promise';
  folio: string;
  services: CustomerServices;
  defaultServiceId: string | null;
  serviceName(id: string): string;
  today: string;
  onDone(): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useTranslation('console');
  const [serviceId, setServiceId] = useState(defaultServiceId ?? services[0]?.id ?? '');
  const [amount, setAmount] = useState('');
  const [date, setDate] = useState(today);
  const [method, setMethod] = useState<PaymentMethod>('oxxo');
  const [reference, setReference] = useState('');
  const [receipt, setReceipt] = useState<File>();
  const [onSite, setOnSite] = useState(false);
  const [amountError, setAmountError] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const prefix = `${kind}-form`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseMxn(amount);
    if (!parsed.ok || parsed.centavos <= 0) {
      setAmountError(t('payments.badAmount'));
      return;
    }
    setAmountError(undefined);
    setBusy(true);
    setError(undefined);
    try {
      if (kind === 'payment') {
        const [photo] = receipt ? await readAttachments([receipt]) : [];
        const body: RegisterPaymentRequest = {
          serviceId,
          amountCentavos: parsed.centavos,
          paidOn: date,
          method,
          onSiteReconnection: onSite,
          ...(reference.trim() ? { reference: reference.trim() } : {}),
          ...(photo ? { receipt: photo } : {}),
        };
        await api.post(`/cases/${folio}/payments`, body);
      } else {
        await api.post(`/cases/${folio}/promises`, {
          serviceId,
          amountCentavos: parsed.centavos,
          promisedFor: date,
        });
      }
      await onDone();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="form"
      onSubmit={(e) => void submit(e)}
      aria-label={t(`payments.${kind === 'payment' ? 'register' : 'promise'}`)}
    >
      <Field id={`${prefix}-service`} label={t('payments.service')} required>
        <select
          {...describedBy(`${prefix}-service`, {})}
          value={serviceId}
          onChange={(e) => setServiceId(e.target.value)}
          required
        >
          {services.map((s) => (
            <option key={s.id} value={s.id}>
              {serviceName(s.id)} ({t(`accounts.serviceStatus.${s.status}`)})
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${prefix}-amount`} label={t('payments.amount')} error={amountError} required>
        <input
          {...describedBy(`${prefix}-amount`, { error: amountError })}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          required
        />
      </Field>
      <Field
        id={`${prefix}-date`}
        label={t(kind === 'payment' ? 'payments.paidOn' : 'payments.promisedFor')}
        required
      >
        <input
          {...describedBy(`${prefix}-date`, {})}
          type="date"
          value={date}
          {...(kind === 'payment' ? { max: today } : { min: today })}
          onChange={(e) => setDate(e.target.value)}
          required
        />
      </Field>
      {kind === 'payment' && (
        <>
          <Field id={`${prefix}-method`} label={t('payments.method')} required>
            <select
              {...describedBy(`${prefix}-method`, {})}
              value={method}
              onChange={(e) => setMethod(e.target.value as PaymentMethod)}
            >
              {PAYMENT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`payments.methods.${m}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${prefix}-reference`} label={t('payments.reference')}>
            <input
              {...describedBy(`${prefix}-reference`, {})}
              value={reference}
              maxLength={100}
              onChange={(e) => setReference(e.target.value)}
            />
          </Field>
          <Field id={`${prefix}-receipt`} label={t('payments.receipt')}>
            <input
              {...describedBy(`${prefix}-receipt`, {})}
              type="file"
              accept="image/jpeg,image/png,image/webp,image/heic,application/pdf"
              onChange={(e) => setReceipt(e.target.files?.[0])}
            />
          </Field>
          <label className="checkbox">
            <input type="checkbox" checked={onSite} onChange={(e) => setOnSite(e.target.checked)} />{' '}
            {t('payments.onSite')}
          </label>
        </>
      )}
      <ErrorMessage error={error} />
      <p>
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('payments.save')}
        </button>{' '}
        <button type="button" className="button" onClick={onCancel}>
          {t('payments.cancel')}
        </button>
      </p>
    </form>
  );
}
