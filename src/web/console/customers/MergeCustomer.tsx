import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import type { Customer } from '../../shared/types.ts';
import { api } from '../api.ts';
import { displayAddress } from './ContactPoints.tsx';
import type { CustomerWithRepresentatives } from './types.ts';

/** A customer as the search lists them; the case search names customers without their contact points. */
type Found = Pick<Customer, 'id' | 'name' | 'accountNumber'> & { contactPoints?: Customer['contactPoints'] };

/**
 * The case search's customer matches (by name too, best first), then `GET /customers` by phone, e-mail
 * or account number, each asked on its own: text that is not a phone number makes the phone lookup
 * refuse, which must not hide an account-number match.
 */
async function findCustomers(text: string): Promise<Found[]> {
  const lookups = text.includes('@')
    ? [{ email: text }]
    : [{ accountNumber: text }, ...(text.replace(/\D/g, '').length >= 7 ? [{ phone: text }] : [])];
  const refusedIsNone = (error: unknown) => {
    if (error instanceof ApiError && error.status === 400) return [];
    throw error;
  };
  const [named, ...answers] = await Promise.all([
    api
      .get<{ customers?: Found[] }>('/cases', { q: text, limit: 1 })
      .then((page) => page.customers ?? [], refusedIsNone),
    ...lookups.map((query) => api.get<Customer[]>('/customers', query).catch(refusedIsNone)),
  ]);
  const byId = new Map<string, Found>(named.map((customer) => [customer.id, customer]));
  for (const customer of answers.flat()) byId.set(customer.id, customer);
  return [...byId.values()];
}

export const customerLabel = (customer: Pick<Customer, 'name' | 'accountNumber'>, unnamed: string) =>
  customer.name ?? customer.accountNumber ?? unnamed;

/**
 * Merging a duplicate into this customer: find it, see what moves, confirm. The duplicate's contact
 * points, cases and representatives move here and its id leads here from then on.
 */
export function MergeCustomer({
  into,
  onMerged,
}: {
  into: CustomerWithRepresentatives;
  onMerged: (notice: string) => Promise<void>;
}) {
  const { t } = useTranslation(['console', 'common']);
  const [query, setQuery] = useState('');
  const [missing, setMissing] = useState(false);
  const [results, setResults] = useState<Found[]>();
  const [chosen, setChosen] = useState<CustomerWithRepresentatives>();
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const unnamed = t('customerPage.unnamed');
  const intoName = customerLabel(into, unnamed);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await work();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  const search = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!query.trim()) {
      setMissing(true);
      return;
    }
    setChosen(undefined);
    void run(async () => {
      setResults((await findCustomers(query.trim())).filter((c) => c.id !== into.id));
    });
  };

  const choose = (id: string) =>
    run(async () => {
      setChosen(await api.get<CustomerWithRepresentatives>(`/customers/${id}`));
    });

  const merge = (from: CustomerWithRepresentatives) =>
    run(async () => {
      await api.post(`/customers/${into.id}/merge`, { fromCustomerId: from.id });
      setChosen(undefined);
      setResults(undefined);
      setQuery('');
      await onMerged(t('customerPage.merge.done', { from: customerLabel(from, unnamed), into: intoName }));
    });

  const error = missing ? t('customerPage.merge.queryMissing') : undefined;
  return (
    <section className="panel customer-page__section" aria-labelledby="customer-merge-heading">
      <h2 id="customer-merge-heading">{t('customerPage.merge.heading')}</h2>
      <p>{t('customerPage.merge.intro', { into: intoName })}</p>
      <form className="customer-page__inline-form" noValidate onSubmit={search}>
        <Field
          id="merge-query"
          label={t('customerPage.merge.query')}
          hint={t('customerPage.merge.queryHint')}
          error={error}
        >
          <input
            {...describedBy('merge-query', { hint: true, error })}
            type="search"
            autoComplete="off"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              if (event.target.value.trim()) setMissing(false);
            }}
          />
        </Field>
        <button type="submit" className="button" disabled={busy}>
          {t('customerPage.merge.search')}
        </button>
      </form>
      {results && !chosen && (
        <div aria-live="polite">
          {results.length === 0 ? (
            <p className="muted">{t('customerPage.merge.noResults')}</p>
          ) : (
            <ul className="customer-page__list">
              {results.map((customer) => (
                <li key={customer.id}>
                  <span>
                    <strong>{customerLabel(customer, unnamed)}</strong>
                    {customer.accountNumber &&
                      ` · ${t('customer.account', { account: customer.accountNumber })}`}
                    <span className="customer-page__address">
                      {customer.contactPoints &&
                        customer.contactPoints.length > 0 &&
                        ` · ${customer.contactPoints.map(displayAddress).join(', ')}`}
                    </span>
                  </span>
                  <button
                    type="button"
                    className="button button--small"
                    disabled={busy}
                    onClick={() => void choose(customer.id)}
                  >
                    {t('customerPage.merge.choose')}
                    <span className="visually-hidden"> {customerLabel(customer, unnamed)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {chosen && (
        <div className="customer-page__confirm">
          <h3 id="merge-confirm-heading">
            {t('customerPage.merge.confirmHeading', { from: customerLabel(chosen, unnamed), into: intoName })}
          </h3>
          <p>{t('customerPage.merge.moves', { into: intoName })}</p>
          <ul>
            <li>{t('customerPage.merge.movesContacts', { count: chosen.contactPoints.length })}</li>
            <li>{t('customerPage.merge.movesCases', { count: chosen.cases.length })}</li>
            <li>{t('customerPage.merge.movesRepresentatives', { count: chosen.representatives.length })}</li>
          </ul>
          <p>{t('customerPage.merge.after', { from: customerLabel(chosen, unnamed), into: intoName })}</p>
          <div className="actions">
            <button
              type="button"
              className="button button--danger"
              disabled={busy}
              onClick={() => void merge(chosen)}
            >
              {t('customerPage.merge.confirm')}
            </button>
            <button type="button" className="button" onClick={() => setChosen(undefined)}>
              {t('common:cancel')}
            </button>
          </div>
        </div>
      )}
      <ErrorMessage error={failure} />
    </section>
  );
}
