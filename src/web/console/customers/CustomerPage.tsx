import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../shared/components.tsx';
import { useAsync } from '../../shared/hooks.ts';
import { Link, navigate } from '../../shared/router.tsx';
import { AccountSummary } from '../accounts/AccountSummary.tsx';
import { api } from '../api.ts';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';
import { Conciliations } from './Conciliations.tsx';
import { ContactPoints } from './ContactPoints.tsx';
import { Conversations } from './Conversations.tsx';
import { CustomerCases, useCustomerCases } from './CustomerCases.tsx';
import { customerLabel, MergeCustomer } from './MergeCustomer.tsx';
import { Representatives } from './Representatives.tsx';
import type { CustomerWithRepresentatives } from './types.ts';

/**
 * One customer: who they are, how to reach them, who may act for them, their services and balances,
 * every case they raised, and merging a duplicate into them.
 */
export function CustomerPage({ id }: { id: string }) {
  const { t } = useTranslation(['console', 'common']);
  const { agent, me } = useSession();
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState('');
  const customer = useAsync(() => api.get<CustomerWithRepresentatives>(`/customers/${id}`), [id, version]);
  const cases = useCustomerCases(id, version);
  const data = customer.data;
  const name = data ? customerLabel(data, t('customerPage.unnamed')) : '';

  // A merged-away customer's id answers with the survivor: show the survivor's own address.
  useEffect(() => {
    if (data && data.id !== id) navigate(PATHS.customer(data.id), { replace: true });
  }, [data, id]);

  useEffect(() => {
    if (name) document.title = `${name} · ${t('appName')}`;
  }, [name, t]);

  if (!data) {
    return (
      <>
        <h1>{t('customer.heading')}</h1>
        {customer.error?.code === 'request.invalid' ? (
          <p className="error" role="alert">
            {t('customerPage.notFound')}
          </p>
        ) : customer.error ? (
          <ErrorMessage error={customer.error} />
        ) : (
          <p>{t('common:loading')}</p>
        )}
      </>
    );
  }

  // The server lets change a customer only those serving one of their cases (their areas), admins, and
  // anyone while the customer has no case yet; what it would refuse is not offered.
  const mayEdit =
    agent.role === 'admin' ||
    data.cases.length === 0 ||
    (cases.items ?? []).some((kase) => me.areaIds.includes(kase.area.id));
  const mayMerge = agent.role === 'admin' || agent.role === 'supervisor';
  const changed = async (text: string) => {
    setNotice(text);
    setVersion((v) => v + 1);
  };

  return (
    <div className="customer-page">
      <p className="case__nav">
        <Link to={PATHS.inbox}>{t('customerPage.back')}</Link>
      </p>
      <header className="customer-page__header">
        <h1>{name}</h1>
        <p className="muted">
          {data.accountNumber
            ? t('customer.account', { account: data.accountNumber })
            : t('customer.prospect')}
        </p>
      </header>
      <p className="notice" role="status">
        {notice}
      </p>
      {!mayEdit && cases.items && <p className="notice-info">{t('customerPage.readOnly')}</p>}
      <div className="customer-page__grid">
        <ContactPoints
          customerId={data.id}
          points={data.contactPoints}
          mayEdit={mayEdit}
          onChanged={changed}
        />
        <Representatives
          customerId={data.id}
          representatives={data.representatives}
          mayEdit={mayEdit}
          onChanged={changed}
        />
      </div>
      <AccountSummary customerId={data.id} refresh={String(version)} />
      <Conciliations customerId={data.id} mayEdit={mayEdit} onChanged={changed} />
      <p>
        <Link to={`${PATHS.arco}?${new URLSearchParams({ customer: data.id })}`}>
          {t('arco.register.fromCustomer')}
        </Link>
      </p>
      <CustomerCases cases={cases} />
      <Conversations customerId={data.id} />
      {mayMerge && <MergeCustomer into={data} onMerged={changed} />}
    </div>
  );
}
