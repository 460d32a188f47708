import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../shared/components.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { Link } from '../../shared/router.tsx';
import type { DeadlineFlag, EventKind } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';

// Events after which an alert may appear, change state or no longer apply (a reply, a resolution).
const FLAG_EVENTS = new Set<string>([
  'deadline_warning',
  'deadline_breached',
  'status_changed',
  'message_added',
  'transferred',
  'assigned',
  'type_changed',
] satisfies EventKind[]);

/** Deadline alerts not yet seen, one per deadline at its state: mine, or everyone's for supervisors and admins. */
export function FlagsPanel() {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { agent, timeZone } = useSession();
  const everyone = agent.role === 'admin' || agent.role === 'supervisor';
  const flags = useAsync(
    () => api.get<DeadlineFlag[]>('/flags', everyone ? { everyone: 'true' } : undefined),
    [everyone],
  );
  useLiveEvents((events) => {
    if (events.some((e) => FLAG_EVENTS.has(e.kind))) void flags.reload();
  });
  const acknowledge = async (id: string) => {
    await api.post(`/flags/${id}/acknowledge`);
    await flags.reload();
  };
  const language = currentLanguage(i18n.language);
  const date = (iso: string) => formatDateTime(iso, language, timeZone);
  // The server keeps one alert per pending deadline, at its current state; the label says which date it is.
  const when = (flag: DeadlineFlag) =>
    t(flag.kind === 'vencido' ? 'flags.overdueSince' : 'flags.dueAt', { date: date(flag.dueAt) });
  const alerts = flags.data ?? [];
  return (
    <aside className="flags" aria-labelledby="flags-heading">
      <h2 id="flags-heading">{t('flags.heading')}</h2>
      <ErrorMessage error={flags.error} />
      {flags.data && alerts.length === 0 && <p className="muted">{t('flags.none')}</p>}
      <ul className="flags__list">
        {alerts.map((flag) => (
          <li key={flag.id} className={`flag flag--${flag.kind}`} data-folio={flag.folio ?? undefined}>
            <span className="badge">{t(`flags.${flag.kind}`)}</span>{' '}
            {flag.folio ? (
              <Link to={PATHS.case(flag.folio)}>{flag.folio}</Link>
            ) : (
              <span>{t(`flags.subject.${flag.subjectKind}`, { defaultValue: flag.subjectKind })}</span>
            )}
            <span className="flag__when">
              {t(`flags.clock.${flag.deadlineKind}`, { defaultValue: flag.deadlineKind })} · {when(flag)}
            </span>
            <button type="button" className="button button--small" onClick={() => void acknowledge(flag.id)}>
              {t('flags.acknowledge')}
              <span className="visually-hidden"> {flag.folio ?? flag.subjectId}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
