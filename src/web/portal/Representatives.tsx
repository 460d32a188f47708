import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { ErrorMessage } from '../shared/components.tsx';
import { describedBy, Field } from '../shared/Field.tsx';
import { REQUEST_TYPES, type RequestType } from '../shared/types.ts';
import { AccountPinFields } from './AccountPinFields.tsx';
import { api } from './api.ts';

const PIN_PATTERN = /^\d{4,6}$/;
const CONTACT_KINDS = ['whatsapp', 'phone', 'email'] as const;
type ContactKind = (typeof CONTACT_KINDS)[number];

interface PortalRepresentative {
  id: string;
  name: string;
  contactKind: string | null;
  contactAddress: string | null;
  scope: string[] | null;
  expiresAt: string | null;
  revokedAt: string | null;
  active: boolean;
}

type Login = { accountNumber: string; pin: string };

function useDate() {
  const { i18n } = useTranslation();
  return (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long' }).format(new Date(iso));
}

/** The form that authorizes one more person: name, their own contact, what they may do, until when. */
function Authorize({ login, onDone }: { login: Login; onDone: (name: string) => Promise<void> }) {
  const { t } = useTranslation(['portal', 'common']);
  const [name, setName] = useState('');
  const [contactKind, setContactKind] = useState<ContactKind>('whatsapp');
  const [contactAddress, setContactAddress] = useState('');
  const [everything, setEverything] = useState(true);
  const [scope, setScope] = useState<RequestType[]>([]);
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      name: name.trim() ? undefined : t('representatives.errors.name'),
      contactAddress: contactAddress.trim() ? undefined : t('representatives.errors.contact'),
      scope: everything || scope.length > 0 ? undefined : t('representatives.errors.scope'),
    };
    setErrors(found);
    if (busy || Object.values(found).some(Boolean)) return;
    setBusy(true);
    setFailure(undefined);
    api
      .post('/portal/account/representatives/authorize', {
        ...login,
        name: name.trim(),
        contactKind,
        contactAddress: contactAddress.trim(),
        scope: everything ? null : scope,
        // The end of the chosen day, where the customer is.
        expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
      })
      .then(() => {
        setName('');
        setContactAddress('');
        setEverything(true);
        setScope([]);
        setExpires('');
        return onDone(name.trim());
      })
      .catch((caught: unknown) => {
        if (!(caught instanceof ApiError)) throw caught;
        setFailure(caught);
      })
      .finally(() => setBusy(false));
  };

  return (
    <form className="form" noValidate onSubmit={submit} aria-labelledby="representatives-add">
      <h2 id="representatives-add">{t('representatives.addHeading')}</h2>
      <Field id="representative-name" label={t('representatives.name')} error={errors.name} required>
        <input
          {...describedBy('representative-name', { error: errors.name })}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </Field>
      <Field id="representative-kind" label={t('representatives.contactKind')}>
        <select
          id="representative-kind"
          value={contactKind}
          onChange={(event) => setContactKind(event.target.value as ContactKind)}
        >
          {CONTACT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`representatives.kind.${kind}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="representative-contact"
        label={t('representatives.contact')}
        hint={t('representatives.contactHint')}
        error={errors.contactAddress}
        required
      >
        <input
          {...describedBy('representative-contact', { hint: true, error: errors.contactAddress })}
          value={contactAddress}
          onChange={(event) => setContactAddress(event.target.value)}
        />
      </Field>
      <fieldset
        className="fieldset"
        aria-describedby={errors.scope ? 'representative-scope-error' : undefined}
      >
        <legend>{t('representatives.scope')}</legend>
        <label>
          <input
            type="checkbox"
            checked={everything}
            onChange={(event) => setEverything(event.target.checked)}
          />{' '}
          {t('representatives.everything')}
        </label>
        {!everything &&
          REQUEST_TYPES.map((type) => (
            <label key={type}>
              <input
                type="checkbox"
                checked={scope.includes(type)}
                onChange={(event) =>
                  setScope(event.target.checked ? [...scope, type] : scope.filter((s) => s !== type))
                }
              />{' '}
              {t(`common:requestType.${type}`)}
            </label>
          ))}
        {errors.scope && (
          <p id="representative-scope-error" className="error">
            {errors.scope}
          </p>
        )}
      </fieldset>
      <Field
        id="representative-expires"
        label={t('representatives.expires')}
        hint={t('representatives.expiresHint')}
      >
        <input
          {...describedBy('representative-expires', { hint: true })}
          type="date"
          value={expires}
          onChange={(event) => setExpires(event.target.value)}
        />
      </Field>
      <ErrorMessage error={failure} />
      <button type="submit" className="button button--primary">
        {t('representatives.authorize')}
      </button>
    </form>
  );
}

/**
 * The account holder's authorized third parties: proven with the account number and PIN (kept in this
 * component only, sent with each request as the balance does), listed, authorized and revoked at once.
 */
export function Representatives() {
  const { t } = useTranslation(['portal', 'common']);
  const date = useDate();
  const [accountNumber, setAccountNumber] = useState('');
  const [pin, setPin] = useState('');
  const [login, setLogin] = useState<Login>();
  const [list, setList] = useState<PortalRepresentative[]>();
  const [notice, setNotice] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [failure, setFailure] = useState<ApiError>();

  const load = async (credentials: Login) => {
    setList(await api.post<PortalRepresentative[]>('/portal/account/representatives', credentials));
  };
  const guarded = (action: () => Promise<void>) => {
    setFailure(undefined);
    action().catch((caught: unknown) => {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    });
  };

  const enter = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      accountNumber: accountNumber.trim() ? undefined : t('balance.errors.accountNumber'),
      pin: PIN_PATTERN.test(pin) ? undefined : t('balance.errors.pin'),
    };
    setErrors(found);
    if (found.accountNumber || found.pin) return;
    const credentials = { accountNumber: accountNumber.trim(), pin };
    guarded(async () => {
      await load(credentials);
      setLogin(credentials);
    });
  };

  if (!login || !list) {
    return (
      <>
        <h1>{t('representatives.heading')}</h1>
        <p>{t('representatives.intro')}</p>
        <form className="form" noValidate onSubmit={enter}>
          <AccountPinFields
            idPrefix="representatives"
            accountNumber={accountNumber}
            pin={pin}
            onAccountNumber={setAccountNumber}
            onPin={setPin}
            errors={errors}
          />
          <ErrorMessage error={failure} />
          <button type="submit" className="button button--primary">
            {t('representatives.enter')}
          </button>
        </form>
      </>
    );
  }

  return (
    <>
      <h1>{t('representatives.heading')}</h1>
      {notice && (
        <p className="notice-info" role="status">
          {notice}
        </p>
      )}
      <section aria-labelledby="representatives-list" data-testid="representatives">
        <h2 id="representatives-list">{t('representatives.listHeading')}</h2>
        {list.length === 0 && <p>{t('representatives.none')}</p>}
        <ul>
          {list.map((r) => (
            <li key={r.id}>
              <strong>{r.name}</strong> · {r.contactAddress ?? ''} ·{' '}
              {r.scope
                ? r.scope.map((type) => t(`common:requestType.${type as RequestType}`)).join(', ')
                : t('representatives.everything')}{' '}
              ·{' '}
              {r.revokedAt
                ? t('representatives.revokedOn', { date: date(r.revokedAt) })
                : !r.active
                  ? t('representatives.inactive')
                  : r.expiresAt
                    ? t('representatives.activeUntil', { date: date(r.expiresAt) })
                    : t('representatives.active')}
              {r.active && (
                <>
                  {' '}
                  <button
                    type="button"
                    className="button button--danger"
                    onClick={() =>
                      guarded(async () => {
                        await api.post('/portal/account/representatives/revoke', {
                          ...login,
                          representativeId: r.id,
                        });
                        setNotice(t('representatives.revoked', { name: r.name }));
                        await load(login);
                      })
                    }
                  >
                    {t('representatives.revoke', { name: r.name })}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
        <ErrorMessage error={failure} />
      </section>
      <Authorize
        login={login}
        onDone={async (name) => {
          setNotice(t('representatives.authorized', { name }));
          await load(login);
        }}
      />
    </>
  );
}
