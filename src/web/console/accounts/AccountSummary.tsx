import i18next from 'i18next';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMxn } from '../../../accounts/money.ts';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { formatDate } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import type { EventKind } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';

type Json<Operation> = Operation extends {
  responses: { 200: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;
export type AccountService = Json<paths['/api/v1/customers/{id}/services']['get']>[number];
export type Statement = Json<paths['/api/v1/services/{id}/statement']['get']>;

/** Events that can change a balance or a service; the live feed does not say whose, so any reloads. */
const ACCOUNT_EVENTS: ReadonlySet<string> = new Set<EventKind>([
  'service_created',
  'service_changed',
  'service_status_changed',
  'service_suspended',
  'service_reactivated',
  'ledger_entry_posted',
  'payment_registered',
  'payment_confirmed',
  'customer_merged',
  'customers_imported',
]);

/** How many movements a balance inquiry reads out: the statement's latest ones. */
const MOVEMENTS_SHOWN = 5;

/** A plain date (`YYYY-MM-DD`) as words; it is a calendar day, so no time zone may move it. */
const plainDate = (date: string, language: ReturnType<typeof currentLanguage>) =>
  formatDate(`${date}T12:00:00Z`, language, 'UTC');

/** The reply to a balance inquiry, written for the customer in Spanish whatever the agent's language. */
function balanceAnswer(service: AccountService, s: Statement): string {
  const t = i18next.getFixedT('es-MX', 'console');
  const values = {
    service: service.externalRef ?? '',
    today: plainDate(s.today, 'es-MX'),
    balance: formatMxn(s.balance.centavos),
    cutoff: plainDate(s.nextCutoff, 'es-MX'),
    due: formatMxn(s.amountDue.centavos),
    credit: formatMxn(s.credit.centavos),
  };
  return t(s.credit.centavos > 0 ? 'accounts.answerCredit' : 'accounts.answer', values);
}

/**
 * A balance inquiry's answers for each of the customer's services: status, plan, zone, balance, next
 * cut-off, what is due by it, saldo a favor and the latest movements. The case's own service comes first;
 * on a `saldo` case the panel stands out, since answering it is the case's whole purpose.
 */
export function AccountSummary({
  customerId,
  caseFolio,
  caseServiceId = null,
  mayNameService = false,
  prominent = false,
  onAnswer,
  refresh,
}: {
  customerId: string;
  /** On a case page: the case, whose service is marked and, by who may change the case, chosen. */
  caseFolio?: string;
  caseServiceId?: string | null;
  mayNameService?: boolean;
  prominent?: boolean;
  /** Offered on a balance inquiry: puts a service's figures into the reply, in the customer's Spanish. */
  onAnswer?: (text: string) => void;
  /** A value that changes when the account may have changed (the case's last update). */
  refresh?: string;
}) {
  const { t } = useTranslation(['console', 'common']);
  const [changes, setChanges] = useState(0);
  useLiveEvents((events) => {
    if (events.some((e) => ACCOUNT_EVENTS.has(e.kind))) setChanges((n) => n + 1);
  });
  const list = useAsync(
    () => api.get<AccountService[]>(`/customers/${customerId}/services`),
    [customerId, refresh, changes],
  );
  const services = [...(list.data ?? [])].sort(
    (a, b) => Number(b.id === caseServiceId) - Number(a.id === caseServiceId),
  );
  return (
    <section
      className={`panel account-summary${prominent ? ' account-summary--prominent' : ''}`}
      aria-labelledby={`accounts-heading-${customerId}`}
    >
      <h2 id={`accounts-heading-${customerId}`}>{t('accounts.title')}</h2>
      {prominent && <p className="notice-info">{t('accounts.saldoHint')}</p>}
      <ErrorMessage error={list.error} />
      {!list.data && !list.error && <p className="muted">{t('accounts.loading')}</p>}
      {list.data?.length === 0 && <p className="muted">{t('accounts.none')}</p>}
      {services.map((service) => (
        <ServiceAccount
          key={service.id}
          service={service}
          refresh={`${refresh}.${changes}`}
          onAnswer={onAnswer}
          kase={caseFolio ? { folio: caseFolio, serviceId: caseServiceId, mayNameService } : undefined}
        />
      ))}
    </section>
  );
}

function Fact({ label, amount = false, children }: { label: string; amount?: boolean; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={amount ? 'account__amount' : undefined}>{children}</dd>
    </div>
  );
}

function ServiceAccount({
  service,
  refresh,
  onAnswer,
  kase,
}: {
  service: AccountService;
  refresh?: string;
  onAnswer?: (text: string) => void;
  kase?: { folio: string; serviceId: string | null; mayNameService: boolean };
}) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const [naming, setNaming] = useState<{ busy: boolean; error?: ApiError }>({ busy: false });
  // The case page reloads on the case's own live event, and with it the mark below.
  const nameForCase = async () => {
    if (!kase) return;
    setNaming({ busy: true });
    try {
      await api.put(`/cases/${kase.folio}/service`, { serviceId: service.id });
      setNaming({ busy: false });
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setNaming({ busy: false, error: caught });
    }
  };
  const language = currentLanguage(i18n.language);
  const statement = useAsync(
    () => api.get<Statement>(`/services/${service.id}/statement`),
    [service.id, refresh],
  );
  const s = statement.data;
  const status = t(`accounts.serviceStatus.${service.status}`);
  return (
    <article className="account" aria-label={service.externalRef ?? t('accounts.serviceNoRef')}>
      <h3>
        {service.externalRef
          ? t('accounts.service', { ref: service.externalRef })
          : t('accounts.serviceNoRef')}{' '}
        <span className={`service-status service-status--${service.status}`}>
          {service.suspensionReason
            ? `${status} (${t(`accounts.suspensionReason.${service.suspensionReason}`)})`
            : status}
        </span>
      </h3>
      {kase?.serviceId === service.id && <p className="notice-info">{t('accounts.caseService')}</p>}
      {kase && kase.serviceId !== service.id && kase.mayNameService && (
        <p>
          <button type="button" className="button" disabled={naming.busy} onClick={() => void nameForCase()}>
            {t('accounts.nameCaseService')}
          </button>
        </p>
      )}
      <ErrorMessage error={naming.error} />
      <dl className="account__facts">
        <Fact label={t('accounts.plan')}>
          {service.plan
            ? `${service.plan.name} · ${formatMxn(service.plan.monthlyPrice.centavos)}`
            : t('accounts.noPlan')}
        </Fact>
        <Fact label={t('accounts.zone')}>{service.zone?.name ?? t('accounts.noZone')}</Fact>
        <Fact label={t('accounts.balance')} amount>
          {formatMxn((s?.balance ?? service.balance).centavos)}
        </Fact>
        {s && (
          <>
            <Fact label={t('accounts.nextCutoff')}>{plainDate(s.nextCutoff, language)}</Fact>
            <Fact label={t('accounts.amountDue')} amount>
              {formatMxn(s.amountDue.centavos)}
            </Fact>
            {s.credit.centavos > 0 && (
              <Fact label={t('accounts.credit')} amount>
                {formatMxn(s.credit.centavos)}
              </Fact>
            )}
          </>
        )}
      </dl>
      <ErrorMessage error={statement.error} />
      {s && onAnswer && (
        <p>
          <button type="button" className="button" onClick={() => onAnswer(balanceAnswer(service, s))}>
            {t('accounts.answerWithBalance')}
          </button>
        </p>
      )}
      {s && (
        <>
          <h4>{t('accounts.movements')}</h4>
          {s.movements.length === 0 ? (
            <p className="muted">{t('accounts.noMovements')}</p>
          ) : (
            <ul className="plain-list account__movements">
              {s.movements.slice(0, MOVEMENTS_SHOWN).map((movement) => (
                <li key={movement.id}>
                  <span className="muted">{plainDate(movement.effectiveDate, language)}</span> ·{' '}
                  {t(`accounts.ledgerKind.${movement.kind}`)} ·{' '}
                  <span className="account__amount">{formatMxn(movement.amount.centavos)}</span>
                  {movement.reference && <span className="muted"> · {movement.reference}</span>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </article>
  );
}
