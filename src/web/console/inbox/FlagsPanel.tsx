import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../shared/components.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { Link } from '../../shared/router.tsx';
import type { DeadlineFlag } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';

/** Deadline warnings and breaches not yet seen: mine, or everyone's for supervisors and admins. */
export function FlagsPanel() {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { agent, timeZone } = useSession();
  const everyone = agent.role !== 'agent';
  const flags = useAsync(
    () => api.get<DeadlineFlag[]>('/flags', everyone ? { everyone: 'true' } : undefined),
    [everyone],
  );
  useLiveEvents((events) => {
    if (events.some((e) => e.kind === 'deadline_warning' || e.kind === 'deadline_breached'))
      void flags.reload();
  });
  const acknowledge = async (id: string) => {
    await api.post(`/flags/${id}/acknowledge`);
    await flags.reload();
  };
  const language = currentLanguage(i18n.language);
  return (
    <aside className="flags" aria-labelledby="flags-heading">
      <h2 id="flags-heading">{t('flags.heading')}</h2>
      <ErrorMessage error={flags.error} />
      {flags.data?.length === 0 && <p className="muted">{t('flags.none')}</p>}
      <ul className="flags__list">
        {flags.data?.map((flag) => (
          <li key={flag.id} className={`flag flag--${flag.kind}`}>
            <span className="badge">{t(`flags.${flag.kind}`)}</span>{' '}
            <Link to={PATHS.case(flag.folio)}>{flag.folio}</Link>
            <span className="muted">
              {' '}
              · {t(`flags.${flag.deadlineKind}`)} · {formatDateTime(flag.raisedAt, language, timeZone)}
            </span>
            <button type="button" className="button button--small" onClick={() => void acknowledge(flag.id)}>
              {t('flags.acknowledge')}
              <span className="visually-hidden"> {flag.folio}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
