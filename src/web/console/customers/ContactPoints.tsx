import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { formatPhone } from '../../shared/format.ts';
import type { ContactPoint } from '../../shared/types.ts';
import { api } from '../api.ts';

const KINDS: ContactPoint['kind'][] = ['phone', 'whatsapp', 'email', 'messenger'];

export const displayAddress = (point: Pick<ContactPoint, 'kind' | 'address'>) =>
  point.kind === 'phone' || point.kind === 'whatsapp' ? formatPhone(point.address) : point.address;

/**
 * The server reads a WhatsApp id as international (country code first); an agent types a Mexican
 * number the usual way, ten digits, so those get Mexico's 52.
 */
const whatsappId = (typed: string) => {
  const digits = typed.replace(/\D/g, '');
  return digits.length === 10 && !typed.trim().startsWith('+') ? `52${digits}` : typed.trim();
};

/** The customer's phones, e-mails and chat ids; added and removed only by those who may edit the customer. */
export function ContactPoints({
  customerId,
  points,
  mayEdit,
  onChanged,
}: {
  customerId: string;
  points: ContactPoint[];
  mayEdit: boolean;
  onChanged: (notice: string) => Promise<void>;
}) {
  const { t } = useTranslation(['console', 'common']);
  const [kind, setKind] = useState<ContactPoint['kind']>('phone');
  const [address, setAddress] = useState('');
  const [missing, setMissing] = useState(false);
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  /** Runs a change, then tells what happened in the sentence `run` answers. */
  const act = async (run: () => Promise<string>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await onChanged(await run());
      return true;
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!address.trim()) {
      setMissing(true);
      return;
    }
    const added = await act(async () => {
      const point = await api.post<ContactPoint>(`/customers/${customerId}/contact-points`, {
        kind,
        address: kind === 'whatsapp' ? whatsappId(address) : address.trim(),
      });
      // As stored: normalised, so the agent sees what the number became.
      return t('customerPage.contacts.added', { address: displayAddress(point) });
    });
    if (added) setAddress('');
  };

  return (
    <section className="panel customer-page__section" aria-labelledby="customer-contacts-heading">
      <h2 id="customer-contacts-heading">{t('customer.contactPoints')}</h2>
      {points.length === 0 ? (
        <p className="muted">{t('customerPage.contacts.none')}</p>
      ) : (
        <ul className="customer-page__list">
          {points.map((point) => (
            <li key={point.id}>
              <span>
                <span className="muted">{t(`customer.kind.${point.kind}`)}:</span>{' '}
                <span className="customer-page__address">{displayAddress(point)}</span>
              </span>
              {mayEdit && (
                <button
                  type="button"
                  className="button button--small"
                  disabled={busy}
                  onClick={() =>
                    void act(async () => {
                      await api.delete(`/customers/${customerId}/contact-points/${point.id}`);
                      return t('customerPage.contacts.removed', { address: displayAddress(point) });
                    })
                  }
                >
                  {t('customerPage.contacts.remove')}
                  <span className="visually-hidden"> {displayAddress(point)}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayEdit && (
        <form className="customer-page__inline-form" noValidate onSubmit={add}>
          <Field id="contact-kind" label={t('customerPage.contacts.kind')}>
            <select
              id="contact-kind"
              value={kind}
              onChange={(event) => setKind(event.target.value as ContactPoint['kind'])}
            >
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`customer.kind.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field
            id="contact-address"
            label={t('customerPage.contacts.address')}
            error={missing ? t('customerPage.contacts.addressMissing') : undefined}
            required
          >
            <input
              {...describedBy('contact-address', {
                error: missing ? t('customerPage.contacts.addressMissing') : undefined,
              })}
              required
              autoComplete="off"
              value={address}
              onChange={(event) => {
                setAddress(event.target.value);
                if (event.target.value.trim()) setMissing(false);
              }}
            />
          </Field>
          <button type="submit" className="button" disabled={busy}>
            {t('customerPage.contacts.add')}
          </button>
        </form>
      )}
      <ErrorMessage error={failure} />
    </section>
  );
}
