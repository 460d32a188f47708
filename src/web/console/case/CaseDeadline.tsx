import { useTranslation } from 'react-i18next';
import { formatDateTime, formatDuration } from '../../shared/format.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import type { Deadline } from '../../shared/types.ts';

/** Whether a met deadline was met late, and by how much: the server's word, or worked out from the dates. */
function lateness(deadline: Deadline): { late: boolean; lateByMs: number | null } {
  // The API's met states (atendido_…) may be missing from the console's DeadlineState: compare as text.
  const state: string = deadline.state;
  if (state === 'atendido_fuera_de_plazo') return { late: true, lateByMs: deadline.lateByMs ?? null };
  if (state === 'atendido_a_tiempo' || !deadline.metAt) return { late: false, lateByMs: null };
  const by = new Date(deadline.metAt).getTime() - new Date(deadline.dueAt).getTime();
  return { late: by > 0, lateByMs: by > 0 ? by : null };
}

/**
 * One deadline of the case header, in words that never hide a breach: time left or overdue (ticking
 * with `now`), paused, or met — on time, or late and by how much — with the date it was due or met.
 */
export function CaseDeadline({
  deadline,
  now,
  timeZone,
  testId,
}: {
  deadline: Deadline | null;
  now: number;
  timeZone: string;
  testId: string;
}) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const language = currentLanguage(i18n.language);
  if (!deadline) {
    return (
      <span className="case-deadline case-deadline--none" data-testid={testId}>
        {t('caseHeader.deadline.none')}
      </span>
    );
  }
  if (deadline.metAt) {
    const { late, lateByMs } = lateness(deadline);
    return (
      <span className={`case-deadline case-deadline--${late ? 'late' : 'met'}`} data-testid={testId}>
        <span className="case-deadline__state">
          {!late
            ? t('caseHeader.deadline.metOnTime')
            : lateByMs
              ? t('caseHeader.deadline.metLate', { late: formatDuration(lateByMs) })
              : t('caseHeader.deadline.metLateUnknown')}
        </span>
        <span className="case-deadline__date">
          {t('caseHeader.deadline.metAt', { date: formatDateTime(deadline.metAt, language, timeZone) })}
        </span>
      </span>
    );
  }
  const remaining = new Date(deadline.dueAt).getTime() - now;
  const alarm = deadline.state === 'vencido' || deadline.state === 'por_vencer';
  return (
    <span className={`case-deadline case-deadline--${deadline.state}`} data-testid={testId}>
      <span className="case-deadline__state">
        {alarm && <span className="badge">{t(`common:deadlineState.${deadline.state}`)}</span>}{' '}
        {deadline.state === 'pausado'
          ? t('caseHeader.deadline.paused')
          : remaining >= 0
            ? t('caseHeader.deadline.dueIn', { duration: formatDuration(remaining) })
            : t('caseHeader.deadline.overdueBy', { duration: formatDuration(remaining) })}
      </span>
      <span className="case-deadline__date">
        {t('caseHeader.deadline.dueAt', { date: formatDateTime(deadline.dueAt, language, timeZone) })}
      </span>
    </span>
  );
}
