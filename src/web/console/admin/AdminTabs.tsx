import { useTranslation } from 'react-i18next';
import { Link, useLocation } from '../../shared/router.tsx';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';

/** The administration pages; supervisors see the channel status and the suspensions to confirm. */
export function AdminTabs() {
  const { t } = useTranslation(['console', 'common']);
  const { agent } = useSession();
  const { path } = useLocation();
  const tabs = [
    ...(agent.role === 'admin'
      ? [
          { to: PATHS.adminAgents, label: t('admin.tabs.agents') },
          { to: PATHS.adminAreas, label: t('admin.tabs.areas') },
          { to: PATHS.adminImport, label: t('admin.tabs.import') },
          { to: PATHS.adminPrivacy, label: t('admin.tabs.privacy') },
        ]
      : []),
    { to: PATHS.adminChannels, label: t('admin.tabs.channels') },
    { to: PATHS.adminSuspensions, label: t('admin.tabs.suspensions') },
    { to: PATHS.adminCompensations, label: t('admin.tabs.compensations') },
  ];
  return (
    <>
      <h1>{t('admin.heading')}</h1>
      <nav aria-label={t('admin.heading')}>
        <ul className="subnav">
          {tabs.map((tab) => (
            <li key={tab.to}>
              <Link to={tab.to} aria-current={path === tab.to ? 'page' : undefined}>
                {tab.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
