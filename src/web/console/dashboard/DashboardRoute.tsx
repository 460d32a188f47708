import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

// ECharts is most of the dashboard's weight; agents who never open it never download it.
const DashboardPage = lazy(() => import('./DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })));

/** The dashboard's page. Its heading is drawn at once, so the console's focus move on navigation finds it. */
export function DashboardRoute() {
  const { t } = useTranslation(['console', 'common']);
  return (
    <>
      <h1>{t('dashboard.heading')}</h1>
      <Suspense fallback={<p className="muted">{t('common:loading')}</p>}>
        <DashboardPage />
      </Suspense>
    </>
  );
}
