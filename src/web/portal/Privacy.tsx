import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../shared/i18n.ts';
import type { PortalInfo } from '../shared/types.ts';
import { Consents, NoticeVersion } from './Consents.tsx';

/** The provider's privacy notice, in English when it has one and English is chosen. */
export function Privacy({ info }: { info: PortalInfo }) {
  const { t, i18n } = useTranslation(['portal', 'common']);
  const notice = info.privacyNotice;
  const english = currentLanguage(i18n.language) === 'en' && notice.en;
  return (
    <>
      <h1>{t('privacy.heading')}</h1>
      <p className="privacy" lang={english ? 'en' : 'es-MX'}>
        {english ? notice.en : notice['es-MX']}
      </p>
      <NoticeVersion />
      <Consents />
    </>
  );
}
