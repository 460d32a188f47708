import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, readAttachments } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { formatDate } from '../../shared/format.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { REQUEST_TYPES, type RequestType } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import type { Representative } from './types.ts';

const RECOGNISED_BY = ['', 'whatsapp', 'phone', 'email'] as const;
type Draft = {
  name: string;
  contact: string;
  /** The kind of the contact given, by which channels recognise them; '' for none (the API only). */
  contactKind: (typeof RECOGNISED_BY)[number];
  cartaPoder: boolean;
  everything: boolean;
  scope: RequestType[];
  expires: string;
};
const EMPTY: Draft = {
  name: '',
  contact: '',
  contactKind: '',
  cartaPoder: false,
  everything: true,
  scope: [],
  expires: '',
};

function RevokeForm({
  customerId,
  representative,
  onDone,
  onCancel,
}: {
  customerId: string;
  representative: Representative;
  onDone: (notice: string) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation(['console', 'common']);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [failure, setFailure] = useState<ApiError>();
  const id = `revoke-reason-${representative.id}`;
  const error = missing ? t('customerPage.representatives.reasonMissing') : undefined;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    try {
      await api.post(`/customers/${customerId}/representatives/${representative.id}/revoke`, {
        reason: reason.trim(),
      });
      await onDone(t('customerPage.representatives.revoked', { name: representative.name }));
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    }
  };
  return (
    <form className="customer-page__revoke" noValidate onSubmit={submit}>
      <Field
        id={id}
        label={t('customerPage.representatives.reason', { name: representative.name })}
        error={error}
        required
      >
        <input
          {...describedBy(id, { error })}
          required
          value={reason}
          onChange={(event) => {
            setReason(event.target.value);
            if (event.target.value.trim()) setMissing(false);
          }}
        />
      </Field>
      <div className="actions">
        <button type="submit" className="button button--danger">
          {t('customerPage.representatives.confirmRevoke')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('common:cancel')}
        </button>
      </div>
      <ErrorMessage error={failure} />
    </form>
  );
}

function AddRepresentative({
  customerId,
  onDone,
  onCancel,
}: {
  customerId: string;
  onDone: (notice: string) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation(['console', 'common']);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [files, setFiles] = useState<FileList | null>(null);
  const [errors, setErrors] = useState<{ name?: string; contact?: string; scope?: string }>({});
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const change = (patch: Partial<Draft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    // An error goes as soon as its field is right again.
    setErrors((e) => ({
      name: next.name.trim() ? undefined : e.name,
      contact: next.contact.trim() ? undefined : e.contact,
      scope: next.everything || next.scope.length > 0 ? undefined : e.scope,
    }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = {
      name: draft.name.trim() ? undefined : t('customerPage.representatives.nameMissing'),
      contact: draft.contact.trim() ? undefined : t('customerPage.representatives.contactMissing'),
      scope:
        draft.everything || draft.scope.length > 0
          ? undefined
          : t('customerPage.representatives.scopeMissing'),
    };
    setErrors(found);
    if (found.name || found.contact || found.scope) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const [idDocument] = files && files.length > 0 ? await readAttachments(files) : [];
      await api.post(`/customers/${customerId}/representatives`, {
        name: draft.name.trim(),
        contact: draft.contact.trim(),
        scope: draft.everything ? null : draft.scope,
        ...(draft.contactKind
          ? { contactKind: draft.contactKind, contactAddress: draft.contact.trim() }
          : {}),
        grantedVia: draft.cartaPoder ? 'carta_poder' : 'agente',
        // The authorization lasts through the whole chosen day.
        ...(draft.expires ? { expiresAt: new Date(`${draft.expires}T23:59:59`).toISOString() } : {}),
        ...(idDocument ? { idDocument } : {}),
      });
      setDraft(EMPTY);
      setFiles(null);
      await onDone(t('customerPage.representatives.added', { name: draft.name.trim() }));
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form customer-page__add" noValidate onSubmit={submit} aria-labelledby="add-rep-heading">
      <h3 id="add-rep-heading">{t('customerPage.representatives.addHeading')}</h3>
      <Field id="rep-name" label={t('customerPage.representatives.name')} error={errors.name} required>
        <input
          {...describedBy('rep-name', { error: errors.name })}
          required
          value={draft.name}
          onChange={(event) => change({ name: event.target.value })}
        />
      </Field>
      <Field
        id="rep-contact"
        label={t('customerPage.representatives.contact')}
        hint={t('customerPage.representatives.contactHint')}
        error={errors.contact}
        required
      >
        <input
          {...describedBy('rep-contact', { hint: true, error: errors.contact })}
          required
          value={draft.contact}
          onChange={(event) => change({ contact: event.target.value })}
        />
      </Field>
      <Field id="rep-recognised" label={t('customerPage.representatives.recognisedBy')}>
        <select
          id="rep-recognised"
          value={draft.contactKind}
          onChange={(event) => change({ contactKind: event.target.value as Draft['contactKind'] })}
        >
          {RECOGNISED_BY.map((kind) => (
            <option key={kind} value={kind}>
              {t(`customerPage.representatives.recognised.${kind || 'none'}`)}
            </option>
          ))}
        </select>
      </Field>
      <label>
        <input
          type="checkbox"
          checked={draft.cartaPoder}
          onChange={(event) => change({ cartaPoder: event.target.checked })}
        />
        {t('customerPage.representatives.cartaPoder')}
      </label>
      <fieldset className="checkboxes" aria-describedby={errors.scope ? 'rep-scope-error' : undefined}>
        <legend>{t('customerPage.representatives.scope')}</legend>
        <label>
          <input
            type="radio"
            name="rep-scope"
            checked={draft.everything}
            onChange={() => change({ everything: true })}
          />
          {t('customerPage.representatives.everything')}
        </label>
        <label>
          <input
            type="radio"
            name="rep-scope"
            checked={!draft.everything}
            onChange={() => change({ everything: false })}
          />
          {t('customerPage.representatives.only')}
        </label>
        {!draft.everything &&
          REQUEST_TYPES.map((type) => (
            <label key={type}>
              <input
                type="checkbox"
                checked={draft.scope.includes(type)}
                onChange={(event) =>
                  change({
                    scope: event.target.checked
                      ? [...draft.scope, type]
                      : draft.scope.filter((chosen) => chosen !== type),
                  })
                }
              />
              {t(`common:requestType.${type}`)}
            </label>
          ))}
        {errors.scope && (
          <p id="rep-scope-error" className="field__error">
            {errors.scope}
          </p>
        )}
      </fieldset>
      <Field
        id="rep-expires"
        label={t('customerPage.representatives.expires')}
        hint={t('customerPage.representatives.expiresHint')}
      >
        <input
          {...describedBy('rep-expires', { hint: true })}
          type="date"
          value={draft.expires}
          onChange={(event) => change({ expires: event.target.value })}
        />
      </Field>
      <Field id="rep-document" label={t('customerPage.representatives.document')}>
        <input
          id="rep-document"
          type="file"
          accept="image/*,application/pdf"
          onChange={(event) => setFiles(event.target.files)}
        />
      </Field>
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('customerPage.representatives.save')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('common:cancel')}
        </button>
      </div>
      <ErrorMessage error={failure} />
    </form>
  );
}

/** Who may act for the customer (a regulated power of attorney), with how far and until when. */
export function Representatives({
  customerId,
  representatives,
  mayEdit,
  onChanged,
}: {
  customerId: string;
  representatives: Representative[];
  mayEdit: boolean;
  onChanged: (notice: string) => Promise<void>;
}) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const language = currentLanguage(i18n.language);
  const [revoking, setRevoking] = useState<string>();
  const [adding, setAdding] = useState(false);
  const [verifyFailure, setVerifyFailure] = useState<ApiError>();
  const session = useSession();
  const { timeZone } = session;
  const supervises = session.agent.role === 'supervisor' || session.agent.role === 'admin';
  const pending = (rep: Representative) =>
    rep.grantedVia === 'carta_poder' && !rep.verifiedAt && !rep.revokedAt;
  const verify = async (rep: Representative) => {
    setVerifyFailure(undefined);
    try {
      await api.post(`/customers/${customerId}/representatives/${rep.id}/verify`);
      await onChanged(t('customerPage.representatives.verified', { name: rep.name }));
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setVerifyFailure(caught);
    }
  };
  const stateOf = (rep: Representative) => {
    if (rep.revokedAt)
      return t('customerPage.representatives.revokedOn', {
        date: formatDate(rep.revokedAt, language, timeZone),
      });
    if (pending(rep)) return t('customerPage.representatives.pending');
    if (!rep.active) return t('customerPage.representatives.expired');
    if (rep.expiresAt)
      return t('customerPage.representatives.activeUntil', {
        date: formatDate(rep.expiresAt, language, timeZone),
      });
    return t('customerPage.representatives.active');
  };
  return (
    <section className="panel customer-page__section" aria-labelledby="customer-reps-heading">
      <h2 id="customer-reps-heading">{t('customerPage.representatives.heading')}</h2>
      {representatives.length === 0 ? (
        <p className="muted">{t('customerPage.representatives.none')}</p>
      ) : (
        <ul className="customer-page__reps">
          {representatives.map((rep) => (
            <li key={rep.id} className={rep.active ? undefined : 'row--inactive'}>
              <p className="customer-page__rep-name">{rep.name}</p>
              <p className="customer-page__address">
                {rep.contactAddress ?? rep.contact} ·{' '}
                {t(`customerPage.representatives.grantedVia.${rep.grantedVia}`)}
              </p>
              <p>
                {rep.scope
                  ? rep.scope.map((type) => t(`common:requestType.${type}`)).join(', ')
                  : t('customerPage.representatives.everything')}
              </p>
              <p>
                {stateOf(rep)}
                {rep.revokedReason && ` · ${rep.revokedReason}`}
              </p>
              {supervises && pending(rep) && (
                <button type="button" className="button button--small" onClick={() => void verify(rep)}>
                  {t('customerPage.representatives.verify')}
                  <span className="visually-hidden"> {rep.name}</span>
                </button>
              )}
              {mayEdit && (rep.active || pending(rep)) && revoking !== rep.id && (
                <button type="button" className="button button--small" onClick={() => setRevoking(rep.id)}>
                  {t('customerPage.representatives.revoke')}
                  <span className="visually-hidden"> {rep.name}</span>
                </button>
              )}
              {revoking === rep.id && (
                <RevokeForm
                  customerId={customerId}
                  representative={rep}
                  onCancel={() => setRevoking(undefined)}
                  onDone={async (notice) => {
                    setRevoking(undefined);
                    await onChanged(notice);
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={verifyFailure} />
      {mayEdit &&
        (adding ? (
          <AddRepresentative
            customerId={customerId}
            onCancel={() => setAdding(false)}
            onDone={async (notice) => {
              setAdding(false);
              await onChanged(notice);
            }}
          />
        ) : (
          <button type="button" className="button" onClick={() => setAdding(true)}>
            {t('customerPage.representatives.add')}
          </button>
        ))}
    </section>
  );
}
