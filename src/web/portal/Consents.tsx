import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import type { paths } from '../shared/api-types.ts';
import { ErrorMessage } from '../shared/components.tsx';
import { useAsync } from '../shared/hooks.ts';
import { currentLanguage } from '../shared/i18n.ts';
import { AccountPinFields } from './AccountPinFields.tsx';
import { api } from './api.ts';

type NoticeVersion =
  paths['/api/v1/portal/privacy-notice']['get']['responses'][200]['content']['application/json'];
type PortalConsents =
  paths['/api/v1/portal/account/consents']['post']['responses'][200]['content']['application/json'];

const PIN_PATTERN = /^\d{4,6}$/;

/** The notice's version and publication date, under its text. */
export function NoticeVersion() {
  const { t, i18n } = useTranslation('portal');
  const version = useAsync(() => api.get<NoticeVersion>('/portal/privacy-notice'), []).data;
  if (!version) return null;
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${version.noticeDate}T00:00:00Z`),
  );
  return (
    <p className="privacy-version" data-testid="privacy-version">
      {t('consent.version', { version: version.noticeVersion, date })}
    </p>
  );
}

/**
 * Consent to uses of personal data (promotions, surveys): after the account number and PIN, each use's
 * words as the notice in force puts them and whether the customer consents now, to give or withdraw.
 * The credentials stay in this component and go with each request.
 */
export function Consents() {
  const { t, i18n } = useTranslation('portal');
  const english = currentLanguage(i18n.language) === 'en';
  const [accountNumber, setAccountNumber] = useState('');
  const [pin, setPin] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [consents, setConsents] = useState<PortalConsents>();

  const run = (request: Promise<PortalConsents>) => {
    setBusy(true);
    setFailure(undefined);
    void request
      .then(setConsents)
      .catch((caught: unknown) => {
        if (!(caught instanceof ApiError)) throw caught;
        setFailure(caught);
      })
      .finally(() => setBusy(false));
  };

  const open = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      accountNumber: accountNumber.trim() ? undefined : t('balance.errors.accountNumber'),
      pin: PIN_PATTERN.test(pin) ? undefined : t('balance.errors.pin'),
    };
    setErrors(found);
    if (busy || Object.values(found).some(Boolean)) return;
    run(api.post<PortalConsents>('/portal/account/consents', { accountNumber: accountNumber.trim(), pin }));
  };

  const choose = (purpose: PortalConsents['purposes'][number]['purpose'], granted: boolean) => {
    if (busy || !consents) return;
    run(
      api.put<PortalConsents>('/portal/account/consents', {
        accountNumber: accountNumber.trim(),
        pin,
        purpose,
        granted,
        textVersion: consents.noticeVersion,
      }),
    );
  };

  return (
    <section aria-labelledby="consent-heading" className="consents">
      <h2 id="consent-heading">{t('consent.heading')}</h2>
      <p>{t('consent.intro')}</p>
      {!consents ? (
        <form className="form" noValidate onSubmit={open}>
          <AccountPinFields
            idPrefix="consent"
            accountNumber={accountNumber}
            pin={pin}
            onAccountNumber={setAccountNumber}
            onPin={setPin}
            errors={errors}
          />
          <ErrorMessage error={failure} />
          <button type="submit" className="button button--primary" disabled={busy}>
            {t('consent.open')}
          </button>
        </form>
      ) : (
        <>
          <ul className="consent-list">
            {consents.purposes.map((use) => (
              <li key={use.purpose} data-testid={`consent-${use.purpose}`}>
                <h3>{t(`consent.purpose.${use.purpose}`)}</h3>
                <p lang={english && use.text.en ? 'en' : 'es-MX'}>
                  {english && use.text.en ? use.text.en : use.text['es-MX']}
                </p>
                <p role="status">{use.granted ? t('consent.granted') : t('consent.notGranted')}</p>
                <button
                  type="button"
                  className={use.granted ? 'button' : 'button button--primary'}
                  disabled={busy}
                  onClick={() => choose(use.purpose, !use.granted)}
                >
                  {use.granted ? t('consent.withdraw') : t('consent.give')}
                </button>
              </li>
            ))}
          </ul>
          <ErrorMessage error={failure} />
        </>
      )}
    </section>
  );
}
