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
          { to: PATHS.adminWebhooks, label: t('webhooks.tab') },
          { to: PATHS.adminReports, label: t('admin.tabs.regulatorReports') },
        ]
      : []),
    { to: PATHS.adminChannels, label: t('admin.tabs.channels') },
    { to: PATHS.adminSuspensions, label: t('admin.tabs.suspensions') },
    { to: PATHS.adminCompensations, label: t('admin.tabs.compensations') },
    { to: PATHS.adminHours, label: t('serviceAdmin.tabs.hours') },
    { to: PATHS.adminCalendar, label: t('serviceAdmin.tabs.calendar') },
    { to: PATHS.adminDeadlines, label: t('serviceAdmin.tabs.deadlines') },
    { to: PATHS.adminCatalogues, label: t('serviceAdmin.tabs.catalogues') },
    { to: PATHS.adminTemplates, label: t('serviceAdmin.tabs.templates') },
    { to: PATHS.adminRules, label: t('admin.tabs.rules') },
    { to: PATHS.adminCanned, label: t('admin.tabs.canned') },
    { to: PATHS.adminProfile, label: t('admin.tabs.profile') },
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
