import { useTranslation } from 'react-i18next';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { useAsync } from '../../shared/hooks.ts';
import { Link } from '../../shared/router.tsx';
import { api } from '../api.ts';
import { CompensationItem } from '../case/CaseCompensations.tsx';
import { useLiveEvents } from '../live.tsx';
import { PATHS } from '../routes.tsx';
import { AdminTabs } from './AdminTabs.tsx';

type Pending = paths['/api/v1/compensations']['get']['responses'][200]['content']['application/json'];

const LIVE_KINDS = new Set(['compensation_proposed', 'compensation_decided']);

/**
 * The credits and refunds above the automatic amount, oldest first, for a supervisor of the case's area
 * to approve, adjust or reject; each links to its case.
 */
export function AdminCompensations() {
  const { t } = useTranslation(['console', 'common']);
  const list = useAsync(() => api.get<Pending>('/compensations?status=por_aprobar&limit=200'), []);

  useLiveEvents((events) => {
    if (events.some((e) => LIVE_KINDS.has(e.kind))) void list.reload();
  });

  const items = list.data?.items ?? [];
  return (
    <>
      <AdminTabs />
      <h2>{t('compensations.pendingHeading')}</h2>
      <p className="muted">{t('compensations.pendingExplain')}</p>
      <ErrorMessage error={list.error} />
      {list.data && items.length === 0 && <p className="muted">{t('compensations.pendingNone')}</p>}
      <ul className="payments" data-testid="pending-compensations">
        {items.map((item) => (
          <CompensationItem
            key={item.id}
            item={item}
            mayChange={false}
            onChanged={list.reload}
            caseLink={
              <Link to={PATHS.case(item.folio)}>
                {t('compensations.folio')} {item.folio}
              </Link>
            }
          />
        ))}
      </ul>
    </>
  );
}
