import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { ErrorMessage } from '../shared/components.tsx';
import { describedBy, Field } from '../shared/Field.tsx';
import { api } from './api.ts';
import { weakPasswordText } from './password.ts';

interface FieldErrors {
  currentPassword?: string;
  newPassword?: string;
  confirmation?: string;
}

/**
 * The agent's own password change. `forced` after an admin's reset: the temporary password is the
 * current one, and nothing else of the console is offered until this is done.
 */
export function ChangePassword({
  forced = false,
  onChanged,
}: {
  forced?: boolean;
  onChanged?: (sessionsEnded: number) => Promise<void> | void;
}) {
  const { t } = useTranslation(['console', 'common']);
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<ApiError>();
  const [sending, setSending] = useState(false);
  const [notice, setNotice] = useState('');

  // After the render that shows the message, so moving focus there reads it out with the field.
  const focusFirstError = (found: FieldErrors) => {
    const first = (['currentPassword', 'newPassword', 'confirmation'] as const).find((f) => found[f]);
    if (first) setTimeout(() => document.getElementById(`password-${first}`)?.focus(), 0);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    setFailure(undefined);
    setNotice('');
    const found: FieldErrors = {};
    if (!currentPassword) found.currentPassword = t('password.errors.currentRequired');
    if (newPassword !== confirmation) found.confirmation = t('password.errors.mismatch');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(found);
      return;
    }
    setSending(true);
    try {
      const { sessionsEnded } = await api.post<{ sessionsEnded: number }>('/auth/password', {
        currentPassword,
        newPassword,
      });
      setCurrentPassword('');
      setNewPassword('');
      setConfirmation('');
      setNotice(t('password.changed', { count: sessionsEnded }));
      await onChanged?.(sessionsEnded);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      const weak = weakPasswordText(t, caught);
      const fromServer: FieldErrors = weak
        ? { newPassword: weak }
        : caught.code === 'auth.wrong_password'
          ? { currentPassword: t('password.errors.wrongCurrent') }
          : {};
      setErrors(fromServer);
      if (Object.keys(fromServer).length > 0) focusFirstError(fromServer);
      else setFailure(caught);
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="password-page" aria-labelledby="password-heading">
      <h1 id="password-heading">{forced ? t('password.forcedHeading') : t('password.heading')}</h1>
      <p>{forced ? t('password.forcedIntro') : t('password.intro')}</p>
      <form className="form panel" noValidate onSubmit={(event) => void submit(event)}>
        <Field
          id="password-currentPassword"
          label={forced ? t('password.temporary') : t('password.current')}
          error={errors.currentPassword}
          required
        >
          <input
            {...describedBy('password-currentPassword', { error: errors.currentPassword })}
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.target.value)}
          />
        </Field>
        <Field
          id="password-newPassword"
          label={t('password.new')}
          hint={t('password.hint')}
          error={errors.newPassword}
          required
        >
          <input
            {...describedBy('password-newPassword', { hint: true, error: errors.newPassword })}
            type="password"
            autoComplete="new-password"
            required
            value={newPassword}
            onChange={(event) => setNewPassword(event.target.value)}
          />
        </Field>
        <Field id="password-confirmation" label={t('password.confirm')} error={errors.confirmation} required>
          <input
            {...describedBy('password-confirmation', { error: errors.confirmation })}
            type="password"
            autoComplete="new-password"
            required
            value={confirmation}
            onChange={(event) => setConfirmation(event.target.value)}
          />
        </Field>
        <ErrorMessage error={failure} />
        <button type="submit" className="button button--primary">
          {sending ? t('password.submitting') : t('password.submit')}
        </button>
      </form>
      <p className="notice" role="status">
        {notice}
      </p>
    </section>
  );
}
