import { Fragment, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { DeadlineBadge, ErrorMessage } from '../../shared/components.tsx';
import { formatDate } from '../../shared/format.ts';
import { useNow } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { Link } from '../../shared/router.tsx';
import type { Case, CaseList } from '../../shared/types.ts';
import { api } from '../api.ts';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';

const PAGE = 25;

/** A folio that may wrap after its dashes on a phone (MON-2026-<wbr>000382-<wbr>3), never inside a number. */
function FolioText({ folio }: { folio: string }) {
  const parts = folio.split('-');
  return parts.map((part, index) => (
    // A folio's parts never reorder: their position is a stable key.
    // biome-ignore lint/suspicious/noArrayIndexKey: see above.
    <Fragment key={index}>
      {part}
      {index < parts.length - 1 && (
        <>
          -<wbr />
        </>
      )}
    </Fragment>
  ));
}

/** Pages through every case of the customer, newest first; reloads from the start when `version` changes. */
export function useCustomerCases(customerId: string, version: number) {
  const [items, setItems] = useState<Case[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      try {
        const page = await api.get<CaseList>('/cases', { customerId, limit: PAGE, cursor });
        setItems((shown) => (cursor ? [...(shown ?? []), ...page.items] : page.items));
        setNext(page.nextCursor);
        setError(undefined);
      } catch (caught) {
        if (!(caught instanceof ApiError)) throw caught;
        setError(caught);
      } finally {
        setLoading(false);
      }
    },
    [customerId],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the caller's signal to start over.
  useEffect(() => {
    void load(null);
  }, [load, version]);

  return { items, error, loading, hasMore: next !== null, loadMore: () => load(next) };
}

/** Every case of the customer with its status and the deadline told to them. */
export function CustomerCases({ cases }: { cases: ReturnType<typeof useCustomerCases> }) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const now = useNow();
  const language = currentLanguage(i18n.language);
  return (
    <section
      className="panel customer-page__section customer-page__cases"
      aria-labelledby="customer-cases-heading"
    >
      <h2 id="customer-cases-heading">{t('customerPage.cases.heading')}</h2>
      <ErrorMessage error={cases.error} />
      {cases.items?.length === 0 && <p className="muted">{t('customerPage.cases.none')}</p>}
      {cases.items && cases.items.length > 0 && (
        <div className="table-wrap">
          <table className="cases">
            <thead>
              <tr>
                <th scope="col">{t('customerPage.cases.folio')}</th>
                <th scope="col">{t('customerPage.cases.type')}</th>
                <th scope="col">{t('customerPage.cases.status')}</th>
                <th scope="col">{t('customerPage.cases.deadline')}</th>
                <th scope="col">{t('customerPage.cases.area')}</th>
                <th scope="col">{t('customerPage.cases.created')}</th>
              </tr>
            </thead>
            <tbody>
              {cases.items.map((kase) => (
                <tr key={kase.id}>
                  <th scope="row">
                    <Link to={PATHS.case(kase.folio)} className="folio-link">
                      <FolioText folio={kase.folio} />
                    </Link>
                  </th>
                  <td>{t(`common:requestType.${kase.requestType}`)}</td>
                  <td>
                    <span className={`status status--${kase.status}`}>
                      {t(`common:status.${kase.status}`)}
                    </span>
                  </td>
                  <td>
                    <DeadlineBadge deadline={kase.deadline} now={now} timeZone={timeZone} />
                  </td>
                  <td>{kase.area.name}</td>
                  <td>{formatDate(kase.createdAt, language, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cases.hasMore && (
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={cases.loading}
            onClick={() => void cases.loadMore()}
          >
            {cases.loading ? t('common:loading') : t('customerPage.cases.more')}
          </button>
        </div>
      )}
    </section>
  );
}
