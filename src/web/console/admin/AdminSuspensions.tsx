import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMxn } from '../../../accounts/money.ts';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { useAsync } from '../../shared/hooks.ts';
import { Link } from '../../shared/router.tsx';
import { api } from '../api.ts';
import { PATHS } from '../routes.tsx';
import { AdminTabs } from './AdminTabs.tsx';

type Proposals =
  paths['/api/v1/suspensions/proposals']['get']['responses'][200]['content']['application/json'];
type Confirmed =
  paths['/api/v1/suspensions/confirm']['post']['responses'][200]['content']['application/json'];

/**
 * The non-payment suspensions the rules allow today, for a supervisor to confirm in bulk, and the
 * services owing that the rules hold back, each with its rules. The server decides each one again when
 * confirmed.
 */
export function AdminSuspensions() {
  const { t } = useTranslation(['console', 'common']);
  const list = useAsync(() => api.get<Proposals>('/suspensions/proposals'), []);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [failure, setFailure] = useState<ApiError>();
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const rules = (codes: Proposals['proposed'][number]['decision']['rules']) =>
    codes.map((code) => t(`suspensions.rules.${code}`)).join('; ');
  const toggle = (id: string) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const confirm = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const result = await api.post<Confirmed>('/suspensions/confirm', { serviceIds: [...chosen] });
      setNotice(
        t('suspensions.confirmed', { suspended: result.suspended.length, refused: result.refused.length }),
      );
      setChosen(new Set());
      await list.reload();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  const proposed = list.data?.proposed ?? [];
  const withheld = list.data?.withheld ?? [];
  const notices = list.data?.notices ?? [];
  return (
    <>
      <AdminTabs />
      <h2>{t('suspensions.proposedHeading')}</h2>
      <p className="muted">{t('suspensions.explain')}</p>
      {list.data && (
        <p data-testid="suspension-automatic">
          {t(list.data.automatic ? 'suspensions.automaticOn' : 'suspensions.automaticOff')}
        </p>
      )}
      <p className="notice" role="status">
        {notice}
      </p>
      <ErrorMessage error={failure ?? list.error} />
      {proposed.length === 0 ? (
        <p className="muted">{t('suspensions.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="cases" data-testid="suspension-proposals">
            <thead>
              <tr>
                <th scope="col">{t('suspensions.choose')}</th>
                <th scope="col">{t('suspensions.customer')}</th>
                <th scope="col">{t('suspensions.dueDate')}</th>
                <th scope="col">{t('suspensions.owed')}</th>
                <th scope="col">{t('suspensions.rulesHeading')}</th>
              </tr>
            </thead>
            <tbody>
              {proposed.map((p) => (
                <tr key={p.serviceId}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('suspensions.chooseOne', { service: p.serviceId })}
                      checked={chosen.has(p.serviceId)}
                      onChange={() => toggle(p.serviceId)}
                    />
                  </td>
                  <td>
                    <Link to={PATHS.customer(p.customerId)}>{t('suspensions.seeCustomer')}</Link>
                  </td>
                  <td>{p.dueDate}</td>
                  <td>{formatMxn(p.amountOwedCentavos)}</td>
                  <td>{rules(p.decision.rules)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {proposed.length > 0 && (
        <button
          type="button"
          className="button"
          disabled={busy || chosen.size === 0}
          onClick={() => void confirm()}
        >
          {t('suspensions.confirm', { count: chosen.size })}
        </button>
      )}
      <h2>{t('suspensions.withheldHeading')}</h2>
      {withheld.length === 0 ? (
        <p className="muted">{t('suspensions.noneWithheld')}</p>
      ) : (
        <ul>
          {withheld.map((p) => (
            <li key={p.serviceId}>
              <Link to={PATHS.customer(p.customerId)}>{t('suspensions.seeCustomer')}</Link>:{' '}
              {formatMxn(p.amountOwedCentavos)} — {rules(p.decision.rules)}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('suspensions.noticesHeading')}</h2>
      {notices.length === 0 ? (
        <p className="muted">{t('suspensions.noNotices')}</p>
      ) : (
        <div className="table-wrap">
          <table className="cases" data-testid="suspension-notices">
            <thead>
              <tr>
                <th scope="col">{t('suspensions.customer')}</th>
                <th scope="col">{t('suspensions.noticedOn')}</th>
                <th scope="col">{t('suspensions.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {notices.map((n) => (
                <tr key={n.id}>
                  <td>
                    <Link to={PATHS.customer(n.customerId)}>{t('suspensions.seeCustomer')}</Link>
                  </td>
                  <td>{n.noticedOn}</td>
                  <td>{t(`suspensions.noticeOutcome.${n.outcome}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
