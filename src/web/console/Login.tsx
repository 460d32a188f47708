import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { ErrorMessage, LanguageSwitch } from '../shared/components.tsx';
import { Field } from '../shared/Field.tsx';
import { api } from './api.ts';
import type { ConsoleSessionInfo } from './session.tsx';

export function Login({ onLogin }: { onLogin: (info: ConsoleSessionInfo) => Promise<void> }) {
  const { t } = useTranslation(['console', 'common']);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const [invalid, setInvalid] = useState(false);
  const [sending, setSending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    setSending(true);
    setError(undefined);
    setInvalid(false);
    try {
      await onLogin(await api.post<ConsoleSessionInfo>('/auth/login', { email: email.trim(), password }));
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      if (caught.status === 401 || caught.status === 400) setInvalid(true);
      else setError(caught);
    } finally {
      setSending(false);
    }
  };

  return (
    <main id="main" className="login">
      <div className="login__lang">
        <LanguageSwitch />
      </div>
      <h1>
        {t('appName')} · {t('login.heading')}
      </h1>
      <p>{t('login.intro')}</p>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <Field id="login-email" label={t('login.email')}>
          <input
            id="login-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </Field>
        <Field id="login-password" label={t('login.password')}>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </Field>
        {invalid && (
          <p className="error" role="alert">
            {t('login.invalid')}
          </p>
        )}
        <ErrorMessage error={error} />
        <button type="submit" className="button button--primary">
          {sending ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
