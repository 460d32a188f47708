import { useTranslation } from 'react-i18next';
import { Link } from '../shared/router.tsx';
import { PORTAL_PATHS } from './paths.ts';

/** Any portal address the portal does not have: say so, and offer the way back. */
export function NotFound() {
  const { t } = useTranslation('portal');
  return (
    <>
      <h1>{t('notFound.heading')}</h1>
      <p>{t('notFound.intro')}</p>
      <ul>
        <li>
          <Link to={PORTAL_PATHS.home}>{t('notFound.home')}</Link>
        </li>
        <li>
          <Link to={PORTAL_PATHS.lookup}>{t('nav.lookup')}</Link>
        </li>
      </ul>
    </>
  );
}
