import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { ErrorMessage } from '../shared/components.tsx';
import { describedBy, Field } from '../shared/Field.tsx';
import type { PortalCaseView } from '../shared/types.ts';
import { api } from './api.ts';
import type { Credentials } from './Lookup.tsx';

/**
 * The contact given with the request matches an account: a code sent to that contact, as the account has
 * it on file, proves it is the customer's own and links the case to the account.
 */
export function VerifyContact({
  credentials,
  onVerified,
}: {
  credentials: Credentials;
  onVerified: (view: PortalCaseView) => void;
}) {
  const { t } = useTranslation(['portal', 'common']);
  const [sentTo, setSentTo] = useState<'whatsapp' | 'email'>();
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string>();
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const attempt = async (action: () => Promise<void>) => {
    if (busy) return;
    setFailure(undefined);
    setBusy(true);
    try {
      await action();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  const sendCode = () =>
    attempt(async () => {
      const sent = await api.post<{ channel: 'whatsapp' | 'email' }>('/portal/verify', credentials);
      setSentTo(sent.channel);
    });

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setCodeError(t('verify.codeInvalid'));
      return;
    }
    setCodeError(undefined);
    void attempt(async () => {
      onVerified(
        await api.post<PortalCaseView>('/portal/verify/confirm', { ...credentials, code: code.trim() }),
      );
    });
  };

  return (
    <section aria-labelledby="verify-heading" className="verify">
      <h2 id="verify-heading">{t('verify.heading')}</h2>
      <p>{t('verify.intro')}</p>
      {sentTo ? (
        <form className="form" noValidate onSubmit={confirm}>
          <p role="status" className="notice">
            {t(sentTo === 'whatsapp' ? 'verify.sentWhatsapp' : 'verify.sentEmail')}
          </p>
          <Field id="verify-code" label={t('verify.code')} error={codeError} required>
            <input
              {...describedBy('verify-code', { error: codeError })}
              required
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          </Field>
          <button type="submit" className="button button--primary">
            {t('verify.confirm')}
          </button>{' '}
          <button type="button" className="button button--link" onClick={() => void sendCode()}>
            {t('verify.resend')}
          </button>
        </form>
      ) : (
        <button type="button" className="button" onClick={() => void sendCode()}>
          {t('verify.send')}
        </button>
      )}
      <ErrorMessage error={failure} />
    </section>
  );
}
