import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFocusHeading } from '../shared/a11y.ts';
import { ErrorMessage, LanguageSwitch } from '../shared/components.tsx';
import { useAsync } from '../shared/hooks.ts';
import { Link, useLocation } from '../shared/router.tsx';
import type { PortalInfo } from '../shared/types.ts';
import { api } from './api.ts';
import { Balance } from './Balance.tsx';
import { Home } from './Home.tsx';
import { type Credentials, Lookup } from './Lookup.tsx';
import { NotFound } from './NotFound.tsx';
import { Privacy } from './Privacy.tsx';
import { PORTAL_PATHS } from './paths.ts';
import { Representatives } from './Representatives.tsx';
import { RequestForm } from './RequestForm.tsx';
import { Survey } from './Survey.tsx';

/** The customer portal: the provider's channels, filing a request, following a folio, the privacy notice. */
export function App() {
  const { t } = useTranslation(['portal', 'common']);
  const { path, search } = useLocation();
  const info = useAsync(() => api.get<PortalInfo>('/portal/info'), []);
  // A request just filed opens its folio without asking for the second factor again.
  const [credentials, setCredentials] = useState<Credentials>();
  const [step, setStep] = useState('');
  useFocusHeading(`${path}#${step}`);

  const navItems = [
    { to: PORTAL_PATHS.home, label: t('nav.home') },
    { to: PORTAL_PATHS.request, label: t('nav.request') },
    { to: PORTAL_PATHS.lookup, label: t('nav.lookup') },
    { to: PORTAL_PATHS.balance, label: t('nav.balance') },
    { to: PORTAL_PATHS.representatives, label: t('nav.representatives') },
  ];
  const current = path.replace(/\/$/, '') || PORTAL_PATHS.home;
  const known = (Object.values(PORTAL_PATHS) as string[]).includes(current);
  // A survey's link carries its token in the path: `/portal/encuesta/<token>`.
  const surveyToken = /^\/portal\/encuesta\/([A-Za-z0-9_-]+)$/.exec(current)?.[1];
  const provider = info.data?.provider.name ?? '';
  // Each view names itself in the title, which is what a screen reader announces after navigating.
  const view = !known
    ? t('notFound.heading')
    : current === PORTAL_PATHS.request
      ? t('nav.request')
      : current === PORTAL_PATHS.lookup
        ? t('nav.lookup')
        : current === PORTAL_PATHS.balance
          ? t('nav.balance')
          : current === PORTAL_PATHS.representatives
            ? t('nav.representatives')
            : current === PORTAL_PATHS.privacy
              ? t('nav.privacy')
              : t('title');
  const named = surveyToken ? t('survey.heading') : view;
  const title = provider ? `${named} · ${provider}` : named;
  useEffect(() => {
    document.title = title;
  }, [title]);

  let content: ReactNode;
  if (!info.data) content = info.error ? <ErrorMessage error={info.error} /> : <p>{t('common:loading')}</p>;
  else if (surveyToken) content = <Survey token={surveyToken} />;
  else if (current === PORTAL_PATHS.request)
    content = <RequestForm info={info.data} onStep={setStep} onFollow={setCredentials} />;
  else if (current === PORTAL_PATHS.lookup)
    content = (
      <Lookup
        info={info.data}
        initial={credentials ?? { folio: search.get('folio') ?? '', factor: '' }}
        onStep={setStep}
      />
    );
  else if (current === PORTAL_PATHS.balance) content = <Balance />;
  else if (current === PORTAL_PATHS.representatives) content = <Representatives />;
  else if (current === PORTAL_PATHS.privacy) content = <Privacy info={info.data} />;
  else if (current === PORTAL_PATHS.home) content = <Home info={info.data} />;
  else content = <NotFound />;

  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="portal-header">
        <div className="portal-header__bar">
          <Link to={PORTAL_PATHS.home} className="portal-header__brand">
            {provider || t('title')}
          </Link>
          <LanguageSwitch />
        </div>
        <nav aria-label={t('nav.label')}>
          <ul className="portal-nav">
            {navItems.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={current === item.to ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="portal-main" tabIndex={-1}>
        {content}
      </main>
      {info.data && (
        <footer className="portal-footer">
          <p>
            <Link to={PORTAL_PATHS.privacy}>{t('nav.privacy')}</Link>
          </p>
          <p>
            {t('footer.legal', {
              legalName: info.data.provider.legalName,
              website: info.data.provider.website,
            })}
          </p>
        </footer>
      )}
    </>
  );
}
