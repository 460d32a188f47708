import { useTranslation } from 'react-i18next';
import { formatMxn } from '../../accounts/money.ts';
import { formatDateTime } from '../shared/format.ts';
import { currentLanguage } from '../shared/i18n.ts';
import type { PortalBalance } from '../shared/types.ts';

type Service = PortalBalance['services'][number];
type Compensation = Service['compensations'][number];

/** The amounts a compensation is made of, each named, so the customer can follow the formula. */
function Parts({ compensation }: { compensation: Compensation }) {
  const { t } = useTranslation('portal');
  const parts = [
    ['credit', compensation.creditCentavos],
    ['refund', compensation.refundCentavos],
    ['bonus', compensation.bonusCentavos],
  ] as const;
  return (
    <ul className="rights__parts">
      {parts
        .filter(([, centavos]) => centavos > 0)
        .map(([part, centavos]) => (
          <li key={part}>
            {t(`rights.part.${part}`)}: {formatMxn(centavos)}
          </li>
        ))}
    </ul>
  );
}

/** What is owed, said as what it is: posted, computed and waiting for approval, or not granted. */
function Amount({ compensation }: { compensation: Compensation }) {
  const { t } = useTranslation('portal');
  if (compensation.status === 'aplicada' && compensation.appliedCentavos !== null)
    return <>{t('rights.amount.applied', { amount: formatMxn(compensation.appliedCentavos) })}</>;
  if (compensation.status === 'por_aprobar')
    return <>{t('rights.amount.pending', { amount: formatMxn(compensation.computedCentavos) })}</>;
  return <>{t('rights.amount.rejected')}</>;
}

/**
 * What a service is owed and when, under its balance: compensations and refunds with their formula,
 * suspensions with their dates, the reconnection and installation dates, a cancellation's effective date.
 * Instants in the provider's zone; calendar dates as they are.
 */
export function ServiceRights({
  service,
  timeZone,
  calendarDate,
}: {
  service: Service;
  timeZone: string;
  calendarDate: (date: string) => string;
}) {
  const { t, i18n } = useTranslation('portal');
  const language = currentLanguage(i18n.language);
  const instant = (iso: string) => formatDateTime(iso, language, timeZone);
  const { installation, cancellation } = service;
  const dates = [
    ...(installation
      ? [
          t('rights.signed', { date: calendarDate(installation.contractSignedOn) }),
          installation.installedAt
            ? t('rights.installed', { date: instant(installation.installedAt) })
            : installation.dueAt
              ? t('rights.installBy', { date: instant(installation.dueAt) })
              : null,
        ]
      : []),
    service.reconnectionDueAt ? t('rights.reconnectBy', { date: instant(service.reconnectionDueAt) }) : null,
    cancellation
      ? t(`rights.cancellation.${cancellation.status}`, { date: calendarDate(cancellation.effectiveDate) })
      : null,
  ].filter((line): line is string => line !== null);

  return (
    <div className="rights" data-testid="service-rights">
      {dates.length > 0 && (
        <ul className="rights__dates">
          {dates.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {service.suspensions.length > 0 && (
        <>
          <h4>{t('rights.suspensionsHeading')}</h4>
          <ul className="rights__list">
            {service.suspensions.map((s) => (
              <li key={s.startedAt} className="rights__item">
                {t('rights.suspendedFrom', {
                  reason: t(`rights.reason.${s.reason}`),
                  date: instant(s.startedAt),
                })}
                {s.endedAt
                  ? ` · ${t('rights.reactivated', { date: instant(s.endedAt) })}`
                  : s.reactivateOn
                    ? ` · ${t('rights.reactivatesOn', { date: calendarDate(s.reactivateOn) })}`
                    : ` · ${t('rights.stillSuspended')}`}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>{t('rights.compensationsHeading')}</h4>
      {service.compensations.length === 0 ? (
        <p>{t('rights.noCompensations')}</p>
      ) : (
        <ul className="rights__list" data-testid="compensations">
          {service.compensations.map((c) => (
            <li key={`${c.kind}-${c.proposedAt}`} className="rights__item" data-testid="compensation">
              <strong>{t(`rights.kind.${c.kind}`)}</strong> — {t(`rights.status.${c.status}`)}
              <p className="rights__amount" data-testid="compensation-amount">
                <Amount compensation={c} />
              </p>
              <Parts compensation={c} />
              <p className="rights__formula">
                {t('rights.formula')} <span lang="es-MX">{c.explanation}</span>
              </p>
              {c.refundedAt ? (
                <p>{t('rights.refunded', { date: instant(c.refundedAt) })}</p>
              ) : (
                c.refundDueAt &&
                c.status !== 'rechazada' && <p>{t('rights.refundBy', { date: instant(c.refundDueAt) })}</p>
              )}
              {c.status === 'aplicada' && c.effectiveDate && (
                <p>{t('rights.effective', { date: calendarDate(c.effectiveDate) })}</p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
