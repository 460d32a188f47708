import { useTranslation } from 'react-i18next';
import type { CasePayments } from '../../shared/types.ts';
import { CaseDeadline } from './CaseDeadline.tsx';

/**
 * The reconnection clocks of the services a case's payments concern: started when a payment cleared a
 * service suspended for non-payment, met when the service is back.
 */
export function ReconnectionClocks({
  reconnections,
  serviceName,
  now,
  timeZone,
}: {
  reconnections: CasePayments['reconnections'];
  serviceName(id: string): string;
  now: number;
  timeZone: string;
}) {
  const { t } = useTranslation('console');
  if (reconnections.length === 0) return null;
  return (
    <dl className="case__facts" data-testid="reconnection-clocks">
      {reconnections.map((r) => (
        <div className="case__fact--deadline" key={r.serviceId}>
          <dt>
            {t('payments.reconnection')} · {serviceName(r.serviceId)}
          </dt>
          <dd>
            <CaseDeadline
              deadline={r.deadline}
              now={now}
              timeZone={timeZone}
              testId={`reconnection-${r.serviceId}`}
            />
          </dd>
        </div>
      ))}
    </dl>
  );
}
