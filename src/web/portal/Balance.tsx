import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMxn } from '../../accounts/money.ts';
import { ApiError } from '../shared/api.ts';
import { ErrorMessage } from '../shared/components.tsx';
import { describedBy, Field } from '../shared/Field.tsx';
import type { PortalBalance } from '../shared/types.ts';
import { AccountPinFields } from './AccountPinFields.tsx';
import { api } from './api.ts';
import { ServiceRights } from './ServiceRights.tsx';

const PIN_PATTERN = /^\d{4,6}$/;

/** A calendar date (YYYY-MM-DD) as the customer reads dates: "10 de mayo de 2026". */
function useCalendarDate() {
  const { i18n } = useTranslation();
  return (date: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(`${date}T00:00:00Z`),
    );
}

function Statement({ balance, onAnother }: { balance: PortalBalance; onAnother: () => void }) {
  const { t } = useTranslation('portal');
  const calendarDate = useCalendarDate();
  return (
    <section aria-labelledby="balance-result" data-testid="balance">
      <h2 id="balance-result">{t('balance.heading')}</h2>
      {balance.services.length === 0 && <p>{t('balance.noServices')}</p>}
      {balance.services.map((service, i) => (
        <article key={service.reference ?? i} className="balance-service">
          <h3>
            {service.reference
              ? t('balance.service', { reference: service.reference })
              : t('balance.serviceUnnamed')}
          </h3>
          <dl>
            {service.plan && (
              <>
                <dt>{t('balance.plan')}</dt>
                <dd>{service.plan}</dd>
              </>
            )}
            <dt>{t('balance.status')}</dt>
            <dd>
              {t(`balance.serviceStatus.${service.status}`)}
              {service.suspensionReason && ` ${t(`rights.reason.${service.suspensionReason}`)}`}
            </dd>
            <dt>{t('balance.balance')}</dt>
            <dd data-testid="balance-amount">{formatMxn(service.balanceCentavos)}</dd>
            <dt>{t('balance.nextCutoff')}</dt>
            <dd>{calendarDate(service.nextCutoff)}</dd>
            <dt>{t('balance.amountDue')}</dt>
            <dd data-testid="balance-due">{formatMxn(service.amountDueCentavos)}</dd>
            {service.creditCentavos > 0 && (
              <>
                <dt>{t('balance.credit')}</dt>
                <dd>{formatMxn(service.creditCentavos)}</dd>
              </>
            )}
          </dl>
          <ServiceRights service={service} timeZone={balance.timeZone} calendarDate={calendarDate} />
          <h4>{t('balance.movements')}</h4>
          {service.movements.length === 0 ? (
            <p>{t('balance.noMovements')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('balance.date')}</th>
                  <th scope="col">{t('balance.concept')}</th>
                  <th scope="col">{t('balance.amount')}</th>
                  <th scope="col">{t('balance.reference')}</th>
                </tr>
              </thead>
              <tbody>
                {service.movements.map((m) => (
                  <tr key={m.id}>
                    <td>{calendarDate(m.effectiveDate)}</td>
                    <td>{t(`balance.kind.${m.kind}`)}</td>
                    <td>{formatMxn(m.amountCentavos)}</td>
                    <td>{m.reference ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      ))}
      <button type="button" className="button" onClick={onAnother}>
        {t('balance.another')}
      </button>
    </section>
  );
}

/** Creating or changing the PIN: a code to an address on file, then the code with the new PIN. */
function SetPin() {
  const { t } = useTranslation('portal');
  const [accountNumber, setAccountNumber] = useState('');
  const [factor, setFactor] = useState('');
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [sent, setSent] = useState(false);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [failure, setFailure] = useState<ApiError>();

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

  const send = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      accountNumber: accountNumber.trim() ? undefined : t('balance.errors.accountNumber'),
      factor: factor.trim().length >= 3 ? undefined : t('pin.errors.factor'),
    };
    setErrors(found);
    if (busy || found.accountNumber || found.factor) return;
    void run(async () => {
      await api.post('/portal/account/pin-code', {
        accountNumber: accountNumber.trim(),
        factor: factor.trim(),
      });
      setSent(true);
    });
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      code: /^\d{6}$/.test(code.trim()) ? undefined : t('pin.errors.code'),
      pin: PIN_PATTERN.test(pin) ? undefined : t('pin.errors.pin'),
    };
    setErrors(found);
    if (busy || found.code || found.pin) return;
    void run(async () => {
      await api.post('/portal/account/pin', { accountNumber: accountNumber.trim(), code: code.trim(), pin });
      setSaved(true);
      setPin('');
      setCode('');
    });
  };

  return (
    <section aria-labelledby="pin-heading">
      <h2 id="pin-heading">{t('pin.heading')}</h2>
      <p>{t('pin.intro')}</p>
      {saved ? (
        <p className="notice-info" role="status">
          {t('pin.saved')}
        </p>
      ) : !sent ? (
        <form className="form" noValidate onSubmit={send}>
          <Field id="pin-account" label={t('balance.accountNumber')} error={errors.accountNumber} required>
            <input
              {...describedBy('pin-account', { error: errors.accountNumber })}
              autoComplete="off"
              value={accountNumber}
              onChange={(event) => setAccountNumber(event.target.value)}
            />
          </Field>
          <Field id="pin-factor" label={t('pin.factor')} error={errors.factor} required>
            <input
              {...describedBy('pin-factor', { error: errors.factor })}
              value={factor}
              onChange={(event) => setFactor(event.target.value)}
            />
          </Field>
          <ErrorMessage error={failure} />
          <button type="submit" className="button">
            {t('pin.send')}
          </button>
        </form>
      ) : (
        <form className="form" noValidate onSubmit={save}>
          <p role="status">{t('pin.sent')}</p>
          <Field id="pin-code" label={t('pin.code')} error={errors.code} required>
            <input
              {...describedBy('pin-code', { error: errors.code })}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          </Field>
          <Field id="pin-new" label={t('pin.newPin')} hint={t('pin.newPinHint')} error={errors.pin} required>
            <input
              {...describedBy('pin-new', { hint: true, error: errors.pin })}
              type="password"
              inputMode="numeric"
              autoComplete="new-password"
              maxLength={6}
              value={pin}
              onChange={(event) => setPin(event.target.value)}
            />
          </Field>
          <ErrorMessage error={failure} />
          <button type="submit" className="button button--primary">
            {t('pin.save')}
          </button>
        </form>
      )}
    </section>
  );
}

/**
 * The balance inquiry, free as the Carta de Derechos Mínimos asks: with a folio and its second factor, or
 * the account number and PIN. Credentials live in this component only, and go with the one request.
 */
export function Balance() {
  const { t } = useTranslation('portal');
  const [way, setWay] = useState<'pin' | 'folio'>('pin');
  const [accountNumber, setAccountNumber] = useState('');
  const [pin, setPin] = useState('');
  const [folio, setFolio] = useState('');
  const [factor, setFactor] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [failure, setFailure] = useState<ApiError>();
  const [searching, setSearching] = useState(false);
  const [balance, setBalance] = useState<PortalBalance>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found =
      way === 'pin'
        ? {
            accountNumber: accountNumber.trim() ? undefined : t('balance.errors.accountNumber'),
            pin: PIN_PATTERN.test(pin) ? undefined : t('balance.errors.pin'),
          }
        : {
            folio: folio.trim() ? undefined : t('lookup.errors.folio'),
            factor: factor.trim().length >= 3 ? undefined : t('lookup.errors.factor'),
          };
    setErrors(found);
    if (searching || Object.values(found).some(Boolean)) return;
    setSearching(true);
    setFailure(undefined);
    const request =
      way === 'pin'
        ? api.post<PortalBalance>('/portal/account/balance', { accountNumber: accountNumber.trim(), pin })
        : api.post<PortalBalance>('/portal/balance', {
            folio: folio.trim().toUpperCase(),
            factor: factor.trim(),
          });
    void request
      .then((answer) => {
        setBalance(answer);
        setPin('');
      })
      .catch((caught: unknown) => {
        if (!(caught instanceof ApiError)) throw caught;
        setFailure(caught);
      })
      .finally(() => setSearching(false));
  };

  if (balance) return <Statement balance={balance} onAnother={() => setBalance(undefined)} />;

  return (
    <>
      <h1>{t('balance.heading')}</h1>
      <p>{t('balance.intro')}</p>
      <form className="form" noValidate onSubmit={submit}>
        <fieldset className="fieldset">
          <legend>{t('balance.how')}</legend>
          {(['pin', 'folio'] as const).map((option) => (
            <label key={option}>
              <input
                type="radio"
                name="balance-way"
                value={option}
                checked={way === option}
                onChange={() => {
                  setWay(option);
                  setErrors({});
                  setFailure(undefined);
                }}
              />{' '}
              {option === 'pin' ? t('balance.byPin') : t('balance.byFolio')}
            </label>
          ))}
        </fieldset>
        {way === 'pin' ? (
          <AccountPinFields
            idPrefix="balance"
            accountNumber={accountNumber}
            pin={pin}
            onAccountNumber={setAccountNumber}
            onPin={setPin}
            errors={errors}
          />
        ) : (
          <>
            <Field
              id="balance-folio"
              label={t('lookup.folio')}
              hint={t('lookup.folioHint')}
              error={errors.folio}
              required
            >
              <input
                {...describedBy('balance-folio', { hint: true, error: errors.folio })}
                autoCapitalize="characters"
                autoComplete="off"
                value={folio}
                onChange={(event) => setFolio(event.target.value)}
              />
            </Field>
            <Field id="balance-factor" label={t('lookup.factor')} error={errors.factor} required>
              <input
                {...describedBy('balance-factor', { error: errors.factor })}
                value={factor}
                onChange={(event) => setFactor(event.target.value)}
              />
            </Field>
          </>
        )}
        {failure?.code === 'portal.not_found' ? (
          <p className="error" role="alert">
            {t('lookup.notFound')}
          </p>
        ) : (
          <ErrorMessage error={failure} />
        )}
        <button type="submit" className="button button--primary">
          {searching ? t('balance.searching') : t('balance.submit')}
        </button>
      </form>
      <SetPin />
    </>
  );
}
