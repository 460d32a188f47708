import { useTranslation } from 'react-i18next';
import { useAsync } from '../../shared/hooks.ts';
import type { CaseDetail } from '../../shared/types.ts';
import { api } from '../api.ts';
import type { Representative } from './types.ts';

/** The representative a case was raised by, as its opening event names them (ids only, never names). */
function representativeIdOf(kase: CaseDetail): string | undefined {
  for (const entry of kase.timeline) {
    if (entry.type !== 'event' || entry.event.kind !== 'created') continue;
    const id = (entry.event.after as { representativeId?: unknown } | null)?.representativeId;
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

/**
 * "por <representative> en nombre de <customer>" in the case header, for a case a representative
 * raised: who acted and on whose behalf, with the representative's name read from the customer's list.
 */
export function OnBehalf({ kase }: { kase: CaseDetail }) {
  const { t } = useTranslation('console');
  const representativeId = kase.raisedBy === 'representante' ? representativeIdOf(kase) : undefined;
  const list = useAsync(
    async () =>
      representativeId
        ? api.get<Representative[]>(`/customers/${kase.customer.id}/representatives`)
        : undefined,
    [kase.customer.id, representativeId],
  );
  if (kase.raisedBy !== 'representante') return null;
  const name = list.data?.find((r) => r.id === representativeId)?.name ?? t('timeline.representative');
  return (
    <div data-testid="on-behalf">
      <dt>{t('case.raisedBy')}</dt>
      <dd>
        {t('case.onBehalf', {
          representative: name,
          customer: kase.customer.name ?? t('customerPage.unnamed'),
        })}
      </dd>
    </div>
  );
}
