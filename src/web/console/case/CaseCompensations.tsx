import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMxn, parseMxn } from '../../../accounts/money.ts';
import { PAYMENT_METHODS, type PaymentMethod } from '../../../domain/vocabulary.ts';
import type { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { formatDate } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import type { CaseDetail } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';
import { useSession } from '../session.tsx';
import { isFinal } from './lifecycle.ts';

export type Compensation =
  paths['/api/v1/cases/{folio}/compensations']['get']['responses'][200]['content']['application/json'][number];

/** Today's date in the provider's time zone, as the date inputs take it. */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());

/**
 * What the provider owes the customer on this case — credits and refunds with their formula — with the
 * supervisor's decision, the refund paid back, and the equipment-repair period an agent records.
 */
export function CaseCompensations({ kase, mayChange }: { kase: CaseDetail; mayChange: boolean }) {
  const { t } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const folio = encodeURIComponent(kase.folio);
  const list = useAsync(() => api.get<Compensation[]>(`/cases/${folio}/compensations`), [folio]);

  useLiveEvents((events) => {
    if (events.some((e) => e.folio === kase.folio)) void list.reload();
  });

  const items = list.data ?? [];
  return (
    <section className="panel" aria-labelledby="compensations-heading" data-testid="case-compensations">
      <h2 id="compensations-heading">{t('compensations.heading')}</h2>
      <ErrorMessage error={list.error} />
      {list.data && items.length === 0 && <p className="muted">{t('compensations.none')}</p>}
      <ul className="payments">
        {items.map((c) => (
          <CompensationItem key={c.id} item={c} mayChange={mayChange} onChanged={list.reload} />
        ))}
      </ul>
      {mayChange && !isFinal(kase.status) && !items.some((c) => c.kind === 'equipo_en_reparacion') && (
        <RepairForm folio={folio} today={todayIn(timeZone)} onDone={list.reload} />
      )}
    </section>
  );
}

type Action = 'ajustar' | 'rechazar' | 'reembolso' | null;

/** One compensation: amounts, formula, and the actions its status allows. */
export function CompensationItem({
  item,
  mayChange,
  onChanged,
  caseLink,
}: {
  item: Compensation;
  mayChange: boolean;
  onChanged(): Promise<unknown>;
  /** On a list of several cases, the link to this one's case. */
  caseLink?: ReactNode;
}) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone, agent } = useSession();
  const language = currentLanguage(i18n.language);
  const [action, setAction] = useState<Action>(null);
  const [error, setError] = useState<ApiError>();
  const supervises = agent.role === 'supervisor' || agent.role === 'admin';
  const date = (iso: string) => formatDate(iso, language, timeZone);

  const approve = async () => {
    setError(undefined);
    try {
      await api.post(`/compensations/${item.id}/decision`, { decision: 'aprobar' });
      await onChanged();
    } catch (caught) {
      setError(caught as ApiError);
    }
  };
  const done = async () => {
    setAction(null);
    await onChanged();
  };

  const isRefund = item.refundCentavos > 0;
  return (
    <li data-testid="compensation">
      {caseLink && <>{caseLink} · </>}
      <strong>{t(`compensations.kindTitle.${item.kind}`)}</strong> ·{' '}
      <span className={`status status--${item.status}`} data-testid="compensation-status">
        {t(`compensations.status.${item.status}`)}
      </span>
      <br />
      {t('compensations.computed')}: {formatMxn(item.computedCentavos)}
      {isRefund &&
        ` (${t('compensations.refund')} ${formatMxn(item.refundCentavos)} + ${t('compensations.bonus')} ${formatMxn(item.bonusCentavos)})`}
      {item.appliedCentavos !== null && (
        <>
          {' · '}
          {t('compensations.applied')}: <strong>{formatMxn(item.appliedCentavos)}</strong>
        </>
      )}
      {item.effectiveDate && item.status === 'aplicada' && (
        <> · {t('compensations.effectiveDate', { date: item.effectiveDate })}</>
      )}
      <p className="muted">{item.explanation}</p>
      {item.refundDeadline && !item.refundedAt && (
        <p>{t('compensations.refundDue', { date: date(item.refundDeadline.dueAt) })}</p>
      )}
      {item.refundedAt && <p>{t('compensations.refundedAt', { date: date(item.refundedAt) })}</p>}
      <ErrorMessage error={error} />
      {action === null && (
        <p>
          {item.status === 'por_aprobar' && supervises && (
            <>
              <button type="button" className="button button--small" onClick={() => void approve()}>
                {t('compensations.approve')}
              </button>{' '}
              <button type="button" className="button button--small" onClick={() => setAction('ajustar')}>
                {t('compensations.adjust')}
              </button>{' '}
              <button type="button" className="button button--small" onClick={() => setAction('rechazar')}>
                {t('compensations.reject')}
              </button>
            </>
          )}
          {item.status === 'aplicada' && isRefund && !item.refundedAt && mayChange && (
            <button type="button" className="button button--small" onClick={() => setAction('reembolso')}>
              {t('compensations.refundMade')}
            </button>
          )}
        </p>
      )}
      {(action === 'ajustar' || action === 'rechazar') && (
        <DecisionForm item={item} decision={action} onDone={done} onCancel={() => setAction(null)} />
      )}
      {action === 'reembolso' && <RefundForm item={item} onDone={done} onCancel={() => setAction(null)} />}
    </li>
  );
}

function DecisionForm({
  item,
  decision,
  onDone,
  onCancel,
}: {
  item: Compensation;
  decision: 'ajustar' | 'rechazar';
  onDone(): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useTranslation('console');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [amountError, setAmountError] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const prefix = `decision-${item.id}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseMxn(amount);
    if (decision === 'ajustar' && (!parsed.ok || parsed.centavos <= 0)) {
      setAmountError(t('payments.badAmount'));
      return;
    }
    setAmountError(undefined);
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/compensations/${item.id}/decision`, {
        decision,
        reason: reason.trim(),
        ...(decision === 'ajustar' && parsed.ok ? { amountCentavos: parsed.centavos } : {}),
      });
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
      aria-label={t(`compensations.${decision === 'ajustar' ? 'adjust' : 'reject'}`)}
    >
      {decision === 'ajustar' && (
        <Field id={`${prefix}-amount`} label={t('compensations.amount')} error={amountError} required>
          <input
            {...describedBy(`${prefix}-amount`, { error: amountError })}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            required
          />
        </Field>
      )}
      <Field id={`${prefix}-reason`} label={t('compensations.reason')} required>
        <textarea
          {...describedBy(`${prefix}-reason`, {})}
          value={reason}
          maxLength={2000}
          onChange={(e) => setReason(e.target.value)}
          required
        />
      </Field>
      <ErrorMessage error={error} />
      <p>
        <button type="submit" className="button" disabled={busy}>
          {t(`compensations.${decision === 'ajustar' ? 'confirmAdjust' : 'confirmReject'}`)}
        </button>{' '}
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('compensations.cancel')}
        </button>
      </p>
    </form>
  );
}

function RefundForm({
  item,
  onDone,
  onCancel,
}: {
  item: Compensation;
  onDone(): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useTranslation('console');
  const [method, setMethod] = useState<PaymentMethod | ''>('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const prefix = `refund-${item.id}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/compensations/${item.id}/refund`, {
        ...(method ? { method } : {}),
        ...(reference.trim() ? { reference: reference.trim() } : {}),
      });
      await onDone();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label={t('compensations.refundMade')}>
      <Field id={`${prefix}-method`} label={t('compensations.refundMethod')}>
        <select
          {...describedBy(`${prefix}-method`, {})}
          value={method}
          onChange={(e) => setMethod(e.target.value as PaymentMethod | '')}
        >
          <option value="">{t('compensations.methodNone')}</option>
          {PAYMENT_METHODS.map((m) => (
            <option key={m} value={m}>
              {t(`payments.methods.${m}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${prefix}-reference`} label={t('compensations.refundReference')}>
        <input
          {...describedBy(`${prefix}-reference`, {})}
          value={reference}
          maxLength={120}
          onChange={(e) => setReference(e.target.value)}
        />
      </Field>
      <ErrorMessage error={error} />
      <p>
        <button type="submit" className="button" disabled={busy}>
          {t('compensations.confirmRefund')}
        </button>{' '}
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('compensations.cancel')}
        </button>
      </p>
    </form>
  );
}

function RepairForm({ folio, today, onDone }: { folio: string; today: string; onDone(): Promise<unknown> }) {
  const { t } = useTranslation('console');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/cases/${folio}/equipment-repairs`, { from, to });
      await onDone();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-labelledby="repair-heading">
      <h3 id="repair-heading">{t('compensations.repairHeading')}</h3>
      <p className="muted">{t('compensations.repairExplain')}</p>
      <Field id="repair-from" label={t('compensations.repairFrom')} required>
        <input
          {...describedBy('repair-from', {})}
          type="date"
          max={today}
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          required
        />
      </Field>
      <Field id="repair-to" label={t('compensations.repairTo')} required>
        <input
          {...describedBy('repair-to', {})}
          type="date"
          min={from}
          max={today}
          value={to}
          onChange={(e) => setTo(e.target.value)}
          required
        />
      </Field>
      <ErrorMessage error={error} />
      <p>
        <button type="submit" className="button" disabled={busy}>
          {t('compensations.repairSubmit')}
        </button>
      </p>
    </form>
  );
}
