import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { useAsync } from '../../shared/hooks.ts';
import type {
  CustomerDetail,
  IdentityCheckRequest,
  IdentityChecksOfCase,
  IdentityCodeSent,
} from '../../shared/types.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';

const METHODS = ['pin', 'codigo_enviado', 'datos_de_cuenta', 'representante_autorizado'] as const;
type Method = (typeof METHODS)[number];

/**
 * The "verify customer" step of a call: the agent records how the caller proved to be the holder (the PIN
 * as they say it and a code read back are checked by the server), and may then set or change the PIN.
 * The PIN is typed in a password field and cleared as soon as it is sent.
 */
export function VerifyCaller({
  folio,
  customerId,
  accountNumber,
}: {
  folio: string;
  customerId: string;
  accountNumber: string | null;
}) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const state = useAsync(
    () => api.get<IdentityChecksOfCase>(`/cases/${encodeURIComponent(folio)}/identity-checks`),
    [folio],
  );
  const customer = useAsync(() => api.get<CustomerDetail>(`/customers/${customerId}`), [customerId]);
  const [method, setMethod] = useState<Method>(accountNumber ? 'pin' : 'datos_de_cuenta');
  const [pin, setPin] = useState('');
  const [code, setCode] = useState('');
  const [contactPointId, setContactPointId] = useState('');
  const [representativeId, setRepresentativeId] = useState('');
  const [codeSent, setCodeSent] = useState<IdentityCodeSent>();
  const [newPin, setNewPin] = useState('');
  const [pinSaved, setPinSaved] = useState(false);
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const reachable =
    customer.data?.contactPoints.filter((p) => p.kind === 'email' || p.kind === 'whatsapp') ?? [];
  const representatives = customer.data?.representatives.filter((r) => r.active) ?? [];
  const checks = state.data?.checks ?? [];
  const time = (at: string) =>
    new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short', timeZone }).format(new Date(at));

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setFailure(undefined);
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
    run(async () => {
      const target = contactPointId || reachable[0]?.id;
      if (!target) return;
      setCodeSent(
        await api.post<IdentityCodeSent>(`/cases/${encodeURIComponent(folio)}/identity-code`, {
          contactPointId: target,
        }),
      );
    });

  const record = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    let body: IdentityCheckRequest;
    if (method === 'pin') {
      if (!/^\d{4,6}$/.test(pin)) return setError(t('identity.errors.pin'));
      body = { method, pin };
    } else if (method === 'codigo_enviado') {
      if (!/^\d{6}$/.test(code.trim())) return setError(t('identity.errors.code'));
      body = { method, code: code.trim() };
    } else if (method === 'representante_autorizado') {
      const chosen = representativeId || representatives[0]?.id;
      if (!chosen) return;
      body = { method, representativeId: chosen };
    } else body = { method };
    setError(undefined);
    void run(async () => {
      try {
        await api.post(`/cases/${encodeURIComponent(folio)}/identity-checks`, body);
      } finally {
        setPin('');
      }
      setCode('');
      setCodeSent(undefined);
      await state.reload();
    });
  };

  const savePin = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!/^\d{4,6}$/.test(newPin)) return setError(t('identity.errors.pin'));
    setError(undefined);
    void run(async () => {
      try {
        await api.put(`/cases/${encodeURIComponent(folio)}/pin`, { pin: newPin });
      } finally {
        setNewPin('');
      }
      setPinSaved(true);
      await state.reload();
    });
  };

  return (
    <section className="panel" aria-labelledby="verify-heading" data-testid="verify-caller">
      <h2 id="verify-heading">{t('identity.heading')}</h2>
      <p className="muted">{t('identity.intro')}</p>
      {checks.length === 0 ? (
        <p>{t('identity.none')}</p>
      ) : (
        <ul>
          {checks.map((check) => (
            <li key={check.id} data-testid="identity-check">
              {t('identity.verified', {
                method: t(`identity.method.${check.method}`),
                time: time(check.checkedAt),
              })}
            </li>
          ))}
        </ul>
      )}
      <form className="form" noValidate onSubmit={record}>
        <fieldset className="fieldset">
          <legend>{t('identity.how')}</legend>
          {METHODS.filter((m) => accountNumber || m !== 'pin').map((m) => (
            <label key={m}>
              <input
                type="radio"
                name={`verify-method-${folio}`}
                value={m}
                checked={method === m}
                onChange={() => {
                  setMethod(m);
                  setError(undefined);
                  setFailure(undefined);
                }}
              />{' '}
              {t(`identity.option.${m}`)}
            </label>
          ))}
        </fieldset>
        {method === 'pin' && (
          <Field id="verify-pin" label={t('identity.pin')} error={error}>
            <input
              {...describedBy('verify-pin', { error })}
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={6}
              value={pin}
              onChange={(event) => setPin(event.target.value)}
            />
          </Field>
        )}
        {method === 'codigo_enviado' &&
          (reachable.length === 0 ? (
            <p>{t('identity.noContacts')}</p>
          ) : (
            <>
              <Field id="verify-contact" label={t('identity.contact')}>
                <div className="inline-form">
                  <select
                    id="verify-contact"
                    value={contactPointId || reachable[0]?.id}
                    onChange={(event) => setContactPointId(event.target.value)}
                  >
                    {reachable.map((p) => (
                      <option key={p.id} value={p.id}>
                        {`${t(`customer.kind.${p.kind}`)}: ${p.address}`}
                      </option>
                    ))}
                  </select>
                  <button type="button" className="button button--small" onClick={() => void sendCode()}>
                    {t('identity.send')}
                  </button>
                </div>
              </Field>
              {codeSent && (
                <p role="status">
                  {t('identity.sent', { channel: t(`common:channel.${codeSent.channel}`) })}
                </p>
              )}
              <Field id="verify-code" label={t('identity.code')} error={error}>
                <input
                  {...describedBy('verify-code', { error })}
                  inputMode="numeric"
                  autoComplete="off"
                  maxLength={6}
                  value={code}
                  onChange={(event) => setCode(event.target.value)}
                />
              </Field>
            </>
          ))}
        {method === 'datos_de_cuenta' && <p className="muted">{t('identity.accountHint')}</p>}
        {method === 'representante_autorizado' &&
          (representatives.length === 0 ? (
            <p>{t('identity.noRepresentatives')}</p>
          ) : (
            <Field id="verify-representative" label={t('identity.representative')}>
              <select
                id="verify-representative"
                value={representativeId || representatives[0]?.id}
                onChange={(event) => setRepresentativeId(event.target.value)}
              >
                {representatives.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </Field>
          ))}
        <button type="submit" className="button">
          {busy ? t('identity.recording') : t('identity.record')}
        </button>
      </form>
      {!accountNumber ? (
        <p className="muted">{t('identity.noAccount')}</p>
      ) : (
        state.data &&
        checks.length > 0 && (
          <form className="form" noValidate onSubmit={savePin}>
            <p>{state.data.pinSet ? t('identity.pinSet') : t('identity.pinMissing')}</p>
            <Field id="verify-new-pin" label={t('identity.newPin')}>
              <input
                id="verify-new-pin"
                type="password"
                inputMode="numeric"
                autoComplete="new-password"
                maxLength={6}
                value={newPin}
                onChange={(event) => {
                  setNewPin(event.target.value);
                  setPinSaved(false);
                }}
              />
            </Field>
            <button type="submit" className="button">
              {state.data.pinSet ? t('identity.resetPin') : t('identity.setPin')}
            </button>
            {pinSaved && <p role="status">{t('identity.pinSaved')}</p>}
          </form>
        )
      )}
      <ErrorMessage error={failure ?? state.error} />
    </section>
  );
}
