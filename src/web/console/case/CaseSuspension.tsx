import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMxn } from '../../../accounts/money.ts';
import type { SuspensionReason } from '../../../domain/vocabulary.ts';
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

type CaseSuspensionData =
  paths['/api/v1/cases/{folio}/suspension']['get']['responses'][200]['content']['application/json'];

/**
 * A suspension case's side panel: the service's suspension in force with its dates and past ones; the
 * customer's temporary suspension until a date within the limits, or, for theft or loss, the immediate
 * one; reactivation of either; and a reconnection fee charged by hand, which the server caps.
 */
export function CaseSuspension({ kase, mayChange }: { kase: CaseDetail; mayChange: boolean }) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const base = `/cases/${encodeURIComponent(kase.folio)}/suspension`;
  const data = useAsync(() => api.get<CaseSuspensionData>(base), [base]);
  const [reactivateOn, setReactivateOn] = useState('');
  const [fee, setFee] = useState('');
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  useLiveEvents((events) => {
    if (events.some((e) => e.folio === kase.folio)) void data.reload();
  });

  const send = async (path: string, body: unknown, done?: string) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setNotice('');
    try {
      await api.post(path, body);
      await data.reload();
      if (done) setNotice(done);
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
  const current = d?.current ?? null;
  const active = d?.service?.status === 'activo';
  const byRequest = current?.reason === 'solicitud_del_cliente' || current?.reason === 'robo_o_extravio';
  const reason = (code: SuspensionReason) => t(`accounts.suspensionReason.${code}`);
  const feeCentavos = Math.round(Number(fee.replace(',', '.')) * 100);

  return (
    <section className="panel" aria-labelledby="suspension-heading" data-testid="case-suspension">
      <h2 id="suspension-heading">{t('caseSuspension.heading')}</h2>
      <ErrorMessage error={data.error ?? error} />
      <p className="notice" role="status">
        {notice}
      </p>
      {d && !d.service && <p className="muted">{t('caseSuspension.noService')}</p>}
      {d?.service && (
        <dl className="case__facts">
          <div>
            <dt>{t('caseSuspension.status')}</dt>
            <dd data-testid="suspension-service-status">
              {t(`accounts.serviceStatus.${d.service.status}`)}
              {d.service.suspensionReason ? ` (${reason(d.service.suspensionReason)})` : ''}
            </dd>
          </div>
          {current && (
            <>
              <div>
                <dt>{t('caseSuspension.since')}</dt>
                <dd>{formatDateTime(current.startedAt, language, timeZone)}</dd>
              </div>
              <div>
                <dt>{t('caseSuspension.until')}</dt>
                <dd data-testid="suspension-reactivate-on">
                  {current.reactivateOn ?? t('caseSuspension.untilAgent')}
                </dd>
              </div>
            </>
          )}
        </dl>
      )}
      {d?.service && mayChange && active && d.theftOrLoss && (
        <p>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void send(base, {}, t('caseSuspension.suspended'))}
          >
            {t('caseSuspension.suspendTheft')}
          </button>
        </p>
      )}
      {d?.service && mayChange && active && !d.theftOrLoss && (
        <form
          className="action-form"
          noValidate
          onSubmit={submit(() => send(base, { reactivateOn }, t('caseSuspension.suspended')))}
        >
          <Field
            id="suspension-date"
            label={t('caseSuspension.reactivateOn')}
            hint={t('caseSuspension.reactivateOnHint', { min: d.window.min, max: d.window.max })}
          >
            <input
              {...describedBy('suspension-date', { hint: true })}
              type="date"
              min={d.window.min}
              max={d.window.max}
              value={reactivateOn}
              onChange={(event) => setReactivateOn(event.target.value)}
            />
          </Field>
          <button type="submit" className="button" disabled={busy || !reactivateOn}>
            {t('caseSuspension.suspend')}
          </button>
        </form>
      )}
      {mayChange && byRequest && (
        <p>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void send(`${base}/reactivation`, {}, t('caseSuspension.reactivated'))}
          >
            {t('caseSuspension.reactivate')}
          </button>
        </p>
      )}
      {d && d.history.length > 0 && (
        <>
          <h3>{t('caseSuspension.history')}</h3>
          <ul>
            {d.history.map((s) => (
              <li key={s.id}>
                {reason(s.reason)}: {formatDateTime(s.startedAt, language, timeZone)} –{' '}
                {s.endedAt
                  ? formatDateTime(s.endedAt, language, timeZone)
                  : (s.reactivateOn ?? t('caseSuspension.inForce'))}
              </li>
            ))}
          </ul>
        </>
      )}
      {d?.service && mayChange && (
        <form
          className="action-form"
          noValidate
          onSubmit={submit(() =>
            send(
              `/cases/${encodeURIComponent(kase.folio)}/reconnection-fee`,
              { feeCentavos },
              t('caseSuspension.feeCharged'),
            ),
          )}
        >
          <Field
            id="suspension-fee"
            label={t('caseSuspension.fee')}
            hint={
              d.reconnectionFee.capCentavos === null
                ? t('caseSuspension.feeNoPlan')
                : t('caseSuspension.feeHint', { cap: formatMxn(d.reconnectionFee.capCentavos) })
            }
          >
            <input
              {...describedBy('suspension-fee', { hint: true })}
              inputMode="decimal"
              value={fee}
              onChange={(event) => setFee(event.target.value)}
            />
          </Field>
          <button type="submit" className="button button--small" disabled={busy || !(feeCentavos > 0)}>
            {t('caseSuspension.chargeFee')}
          </button>
        </form>
      )}
    </section>
  );
}
