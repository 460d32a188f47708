import { useTranslation } from 'react-i18next';
import { describedBy, Field } from '../shared/Field.tsx';

/**
 * The account number and PIN by which a holder proves who they are on the portal's account pages (balance,
 * representatives, consents); each page keeps the values and its own field ids.
 */
export function AccountPinFields({
  idPrefix,
  accountNumber,
  pin,
  onAccountNumber,
  onPin,
  errors,
}: {
  idPrefix: string;
  accountNumber: string;
  pin: string;
  onAccountNumber: (value: string) => void;
  onPin: (value: string) => void;
  errors: { accountNumber?: string | undefined; pin?: string | undefined };
}) {
  const { t } = useTranslation('portal');
  const accountId = `${idPrefix}-account`;
  const pinId = `${idPrefix}-pin`;
  return (
    <>
      <Field id={accountId} label={t('balance.accountNumber')} error={errors.accountNumber} required>
        <input
          {...describedBy(accountId, { error: errors.accountNumber })}
          autoComplete="off"
          value={accountNumber}
          onChange={(event) => onAccountNumber(event.target.value)}
        />
      </Field>
      <Field id={pinId} label={t('balance.pin')} hint={t('balance.pinHint')} error={errors.pin} required>
        <input
          {...describedBy(pinId, { hint: true, error: errors.pin })}
          type="password"
          inputMode="numeric"
          autoComplete="current-password"
          maxLength={6}
          value={pin}
          onChange={(event) => onPin(event.target.value)}
        />
      </Field>
    </>
  );
}
