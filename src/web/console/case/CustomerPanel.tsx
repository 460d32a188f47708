import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../shared/components.tsx';
import { formatDate, formatPhone } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { Link } from '../../shared/router.tsx';
import type { CaseDetail, CustomerDetail } from '../../shared/types.ts';
import { AccountSummary } from '../accounts/AccountSummary.tsx';
import { api } from '../api.ts';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';

/** Who the customer is: name, account, every contact point, their other cases, and their services' balances. */
export function CustomerPanel({
  kase,
  mayChange,
  onAnswerBalance,
}: {
  kase: CaseDetail;
  mayChange: boolean;
  /** On a balance inquiry: starts the reply with a service's balance, cut-off and amount due. */
  onAnswerBalance?: (text: string) => void;
}) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const customer = useAsync(
    () => api.get<CustomerDetail>(`/customers/${kase.customer.id}`),
    [kase.customer.id, kase.updatedAt],
  );
  const language = currentLanguage(i18n.language);
  const others = customer.data?.cases.filter((c) => c.id !== kase.id) ?? [];
  // A balance inquiry is answered from the account, so on a `saldo` case it comes before the customer.
  const saldo = kase.requestType === 'saldo';
  const account = (
    <AccountSummary
      customerId={kase.customer.id}
      caseFolio={kase.folio}
      caseServiceId={kase.serviceId}
      mayNameService={mayChange}
      prominent={saldo}
      onAnswer={saldo ? onAnswerBalance : undefined}
      refresh={kase.updatedAt}
    />
  );
  return (
    <>
      {saldo && account}
      <section className="panel" aria-labelledby="customer-heading">
        <h2 id="customer-heading">{t('customer.heading')}</h2>
        <p className="customer__name">
          <Link to={PATHS.customer(kase.customer.id)}>{kase.customer.name ?? t('customerPage.unnamed')}</Link>
        </p>
        <p className="muted">
          {kase.customer.accountNumber
            ? t('customer.account', { account: kase.customer.accountNumber })
            : t('customer.prospect')}
        </p>
        <ErrorMessage error={customer.error} />
        {customer.data && (
          <>
            <h3>{t('customer.contactPoints')}</h3>
            <ul className="plain-list">
              {customer.data.contactPoints.map((point) => (
                <li key={point.id}>
                  <span className="muted">{t(`customer.kind.${point.kind}`)}:</span>{' '}
                  {point.kind === 'phone' || point.kind === 'whatsapp'
                    ? formatPhone(point.address)
                    : point.address}
                </li>
              ))}
            </ul>
            <h3>{t('customer.otherCases')}</h3>
            {others.length === 0 ? (
              <p className="muted">{t('customer.noOtherCases')}</p>
            ) : (
              <ul className="plain-list">
                {others.map((other) => (
                  <li key={other.id}>
                    <Link to={PATHS.case(other.folio)}>{other.folio}</Link> ·{' '}
                    {t(`common:status.${other.status}`)} · {formatDate(other.createdAt, language, timeZone)}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
      {!saldo && account}
    </>
  );
}
