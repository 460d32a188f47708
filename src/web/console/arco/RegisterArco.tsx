import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ARCO_SUBTYPES,
  type ArcoSubtype,
  CHANNELS,
  CONSENT_PURPOSES,
  CONTACT_KINDS,
  type ConsentPurpose,
  type ContactKind,
} from '../../../domain/vocabulary.ts';
import type { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { Field } from '../../shared/Field.tsx';
import { navigate } from '../../shared/router.tsx';
import { api } from '../api.ts';
import { type ArcoRequest, attempt } from './shared.ts';

type FindBy = 'phone' | 'email' | 'accountNumber';
interface Found {
  id: string;
  name: string | null;
  accountNumber: string | null;
}

/** Finds the customer who asks by a phone, an e-mail or an account number, unless one is given. */
function CustomerLookup({ onFound }: { onFound: (customer: Found | undefined) => void }) {
  const { t } = useTranslation('console');
  const [by, setBy] = useState<FindBy>('phone');
  const [value, setValue] = useState('');
  const [found, setFound] = useState<Found[]>();
  const [chosen, setChosen] = useState('');
  const [failure, setFailure] = useState<ApiError>();

  const find = () =>
    void attempt(async () => {
      const results = await api.get<Found[]>(`/customers?${new URLSearchParams({ [by]: value.trim() })}`);
      setFound(results);
      setChosen(results[0]?.id ?? '');
      onFound(results[0]);
    }, setFailure);

  return (
    <fieldset>
      <legend>{t('arco.register.customer')}</legend>
      <Field id="arco-find-by" label={t('arco.register.findBy')}>
        <select id="arco-find-by" value={by} onChange={(event) => setBy(event.target.value as FindBy)}>
          {(['phone', 'email', 'accountNumber'] as const).map((option) => (
            <option key={option} value={option}>
              {t(`arco.register.findByOptions.${option}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="arco-find-value" label={t('arco.register.findValue')}>
        <input id="arco-find-value" value={value} onChange={(event) => setValue(event.target.value)} />
      </Field>
      <button type="button" className="button button--small" onClick={find} disabled={!value.trim()}>
        {t('arco.register.find')}
      </button>
      <ErrorMessage error={failure} />
      {found && found.length === 0 && <p role="status">{t('arco.register.notFound')}</p>}
      {found && found.length > 0 && (
        <Field id="arco-customer" label={t('arco.register.customer')}>
          <select
            id="arco-customer"
            value={chosen}
            onChange={(event) => {
              setChosen(event.target.value);
              onFound(found.find((c) => c.id === event.target.value));
            }}
          >
            {found.map((c) => (
              <option key={c.id} value={c.id}>
                {[c.name ?? t('arco.register.unnamed'), c.accountNumber].filter(Boolean).join(' · ')}
              </option>
            ))}
          </select>
        </Field>
      )}
    </fieldset>
  );
}

/**
 * Registers an ARCO request for a customer: the right, the channel it came through, the person's words,
 * and what a rectificación corrects or what an oposición opposes. Opens the request once registered.
 */
export function RegisterArco({ customer }: { customer?: Found }) {
  const { t } = useTranslation(['console', 'common']);
  const [found, setFound] = useState<Found | undefined>(customer);
  const [subtype, setSubtype] = useState<ArcoSubtype>('acceso');
  const [channel, setChannel] = useState<string>('telefono');
  const [description, setDescription] = useState('');
  const [name, setName] = useState('');
  const [addKind, setAddKind] = useState<ContactKind>('phone');
  const [addAddress, setAddAddress] = useState('');
  const [removeKind, setRemoveKind] = useState<ContactKind>('phone');
  const [removeAddress, setRemoveAddress] = useState('');
  const [purposes, setPurposes] = useState<ConsentPurpose[]>([]);
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const details = () => {
    if (subtype === 'rectificacion')
      return {
        details: {
          ...(name.trim() ? { name: name.trim() } : {}),
          addContacts: addAddress.trim() ? [{ kind: addKind, address: addAddress.trim() }] : [],
          removeContacts: removeAddress.trim() ? [{ kind: removeKind, address: removeAddress.trim() }] : [],
        },
      };
    if (subtype === 'oposicion') return { details: { purposes } };
    return {};
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!found) return;
    setBusy(true);
    void attempt(async () => {
      const created = await api.post<ArcoRequest>('/arco-requests', {
        customerId: found.id,
        subtype,
        channel,
        description,
        ...details(),
      });
      navigate(`/app/arco/${created.id}`);
    }, setFailure).finally(() => setBusy(false));
  };

  const kindSelect = (id: string, value: ContactKind, onChange: (kind: ContactKind) => void) => (
    <select id={id} value={value} onChange={(event) => onChange(event.target.value as ContactKind)}>
      {CONTACT_KINDS.map((kind) => (
        <option key={kind} value={kind}>
          {t(`arco.contactKind.${kind}`)}
        </option>
      ))}
    </select>
  );

  return (
    <form className="panel action-form" noValidate onSubmit={submit} aria-labelledby="arco-register-heading">
      <h2 id="arco-register-heading">{t('arco.register.heading')}</h2>
      {customer ? (
        <p>{t('arco.register.for', { name: customer.name ?? customer.accountNumber ?? '' })}</p>
      ) : (
        <CustomerLookup onFound={setFound} />
      )}
      <Field id="arco-subtype" label={t('arco.register.subtype')}>
        <select
          id="arco-subtype"
          value={subtype}
          onChange={(event) => setSubtype(event.target.value as ArcoSubtype)}
        >
          {ARCO_SUBTYPES.map((s) => (
            <option key={s} value={s}>
              {t(`arco.subtype.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="arco-channel" label={t('arco.register.channel')}>
        <select id="arco-channel" value={channel} onChange={(event) => setChannel(event.target.value)}>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`common:channel.${c}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="arco-description" label={t('arco.register.description')}>
        <textarea
          id="arco-description"
          rows={3}
          maxLength={20_000}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
      </Field>
      {subtype === 'rectificacion' && (
        <fieldset>
          <legend>{t('arco.register.corrections')}</legend>
          <Field id="arco-new-name" label={t('arco.register.newName')}>
            <input
              id="arco-new-name"
              maxLength={200}
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          </Field>
          <Field id="arco-add-kind" label={t('arco.register.addKind')}>
            {kindSelect('arco-add-kind', addKind, setAddKind)}
          </Field>
          <Field id="arco-add-address" label={t('arco.register.addAddress')}>
            <input
              id="arco-add-address"
              maxLength={320}
              value={addAddress}
              onChange={(event) => setAddAddress(event.target.value)}
            />
          </Field>
          <Field id="arco-remove-kind" label={t('arco.register.removeKind')}>
            {kindSelect('arco-remove-kind', removeKind, setRemoveKind)}
          </Field>
          <Field id="arco-remove-address" label={t('arco.register.removeAddress')}>
            <input
              id="arco-remove-address"
              maxLength={320}
              value={removeAddress}
              onChange={(event) => setRemoveAddress(event.target.value)}
            />
          </Field>
        </fieldset>
      )}
      {subtype === 'oposicion' && (
        <fieldset>
          <legend>{t('arco.register.purposes')}</legend>
          {CONSENT_PURPOSES.map((purpose) => (
            <label key={purpose} className="checkbox">
              <input
                type="checkbox"
                checked={purposes.includes(purpose)}
                onChange={(event) =>
                  setPurposes((current) =>
                    event.target.checked ? [...current, purpose] : current.filter((p) => p !== purpose),
                  )
                }
              />{' '}
              {t(`arco.purpose.${purpose}`)}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" className="button" disabled={busy || !found}>
        {t('arco.register.submit')}
      </button>
      <ErrorMessage error={failure} />
    </form>
  );
}
