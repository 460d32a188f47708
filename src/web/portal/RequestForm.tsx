import { type FormEvent, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { newIdempotencyKey } from '../shared/a11y.ts';
import { ApiError, readAttachments } from '../shared/api.ts';
import { ErrorMessage } from '../shared/components.tsx';
import { describedBy, ErrorSummary, Field } from '../shared/Field.tsx';
import { formatDateTime } from '../shared/format.ts';
import { currentLanguage } from '../shared/i18n.ts';
import { Link, navigate } from '../shared/router.tsx';
import type { PortalInfo, PortalRequestCreated, RequestType } from '../shared/types.ts';
import { looksLikeEmail, looksLikePhone, MAX_ATTACHMENT_BYTES } from '../shared/validation.ts';
import { api } from './api.ts';
import { Breakable } from './Breakable.tsx';
import type { Credentials } from './Lookup.tsx';
import { PORTAL_PATHS } from './paths.ts';
import { downloadReceipt, printReceipt } from './receipt.ts';

const MAX_FILES = 5;

type FieldName = 'type' | 'description' | 'phone' | 'email' | 'attachments';

interface Draft {
  requestType: RequestType | '';
  subtype: string;
  description: string;
  name: string;
  accountNumber: string;
  phone: string;
  email: string;
}

const EMPTY: Draft = {
  requestType: '',
  subtype: '',
  description: '',
  name: '',
  accountNumber: '',
  phone: '',
  email: '',
};

// Server validation names fields as `body.<name>`; map them onto the form's own fields.
const FIELD_OF: Record<string, FieldName> = {
  'body.requestType': 'type',
  'body.description': 'description',
  'body.phone': 'phone',
  'body.email': 'email',
};

function Created({
  created,
  credentials,
  info,
  onFollow,
  onAnother,
}: {
  created: PortalRequestCreated;
  credentials: Credentials;
  info: PortalInfo;
  onFollow: () => void;
  onAnother: () => void;
}) {
  const { t, i18n } = useTranslation(['portal', 'common']);
  const language = currentLanguage(i18n.language);
  const zone = info.provider.timeZone;
  const [error, setError] = useState<ApiError>();
  const run = (action: () => Promise<void>) => () => {
    setError(undefined);
    action().catch((caught: unknown) => {
      if (caught instanceof ApiError) setError(caught);
    });
  };
  return (
    <>
      <h1>{t('created.heading')}</h1>
      <div className="folio-box">
        <p className="folio-box__label">{t('created.folioLabel')}</p>
        <p className="folio-box__folio" data-testid="folio">
          <Breakable text={created.folio} />
        </p>
      </div>
      <p>{t('created.keep')}</p>
      <p>{t('created.registeredAt', { date: formatDateTime(created.createdAt, language, zone) })}</p>
      {created.deadline && (
        <p>{t('created.answerBy', { date: formatDateTime(created.deadline.dueAt, language, zone) })}</p>
      )}
      {created.incident && (
        <div className="notice" role="status" data-testid="known-outage">
          <p>
            {t('created.outage', {
              zone: created.incident.zone,
              status: t(`created.outageStatus.${created.incident.status}`),
              eta: created.incident.eta
                ? formatDateTime(created.incident.eta, language, zone)
                : t('created.outageNoEta'),
            })}
          </p>
          <p>
            <a href="/estado">{t('created.outageFollow')}</a>
          </p>
        </div>
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={run(() => printReceipt(credentials, t('created.print')))}
        >
          {t('created.print')}
        </button>
        <button type="button" className="button" onClick={run(() => downloadReceipt(credentials))}>
          {t('created.pdf')}
        </button>
        <button type="button" className="button button--primary" onClick={onFollow}>
          {t('created.follow')}
        </button>
        <button type="button" className="button button--link" onClick={onAnother}>
          {t('created.another')}
        </button>
      </div>
    </>
  );
}

/** Filing a request: type, description, who the customer is and how to reach them, attachments. */
export function RequestForm({
  info,
  onStep,
  onFollow,
}: {
  info: PortalInfo;
  onStep: (step: string) => void;
  onFollow: (credentials: Credentials) => void;
}) {
  const { t } = useTranslation(['portal', 'common']);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [files, setFiles] = useState<File[]>([]);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [failure, setFailure] = useState<ApiError>();
  const [sending, setSending] = useState(false);
  const [created, setCreated] = useState<{ view: PortalRequestCreated; credentials: Credentials }>();
  const summaryRef = useRef<HTMLDivElement>(null);

  const validate = (values: Draft, chosen: File[]): Partial<Record<FieldName, string>> => {
    const found: Partial<Record<FieldName, string>> = {};
    if (!values.requestType) found.type = t('form.errors.type');
    if (values.description.trim().length < 5) found.description = t('form.errors.description');
    const phone = values.phone.trim();
    const email = values.email.trim();
    if (!phone && !email) found.phone = t('form.errors.contact');
    if (phone && !looksLikePhone(phone)) found.phone = t('form.errors.phone');
    if (email && !looksLikeEmail(email)) found.email = t('form.errors.email');
    if (chosen.length > MAX_FILES || chosen.some((f) => f.size > MAX_ATTACHMENT_BYTES))
      found.attachments = t('form.errors.attachments');
    return found;
  };

  // While typing, an error goes as soon as its field is right (and says what is still wrong, as the
  // phone's "give a phone or an e-mail" becoming "this phone is not valid"); new ones wait for a submit.
  const revalidate = (nextDraft: Draft, nextFiles: File[]) => {
    const now = validate(nextDraft, nextFiles);
    setErrors((shown) =>
      Object.fromEntries(
        Object.keys(shown)
          .filter((field) => now[field as FieldName])
          .map((field) => [field, now[field as FieldName]]),
      ),
    );
  };

  const set = (name: keyof Draft) => (event: { target: { value: string } }) => {
    const next = {
      ...draft,
      [name]: event.target.value,
      ...(name === 'requestType' ? { subtype: '' } : {}),
    };
    setDraft(next);
    revalidate(next, files);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    setFailure(undefined);
    const found = validate(draft, files);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    setSending(true);
    try {
      const optional = (value: string) => value.trim() || undefined;
      const view = await api.post<PortalRequestCreated>('/portal/requests', {
        requestType: draft.requestType,
        subtype: optional(draft.subtype),
        description: draft.description.trim(),
        name: optional(draft.name),
        accountNumber: optional(draft.accountNumber),
        phone: optional(draft.phone),
        email: optional(draft.email),
        attachments: await readAttachments(files),
        idempotencyKey,
      });
      setCreated({
        view,
        credentials: { folio: view.folio, factor: draft.phone.trim() || draft.email.trim() },
      });
      onStep('created');
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      const field = caught.field ? FIELD_OF[caught.field] : undefined;
      if (field) {
        setErrors({ [field]: caught.detail ?? t('common:error.generic') });
        requestAnimationFrame(() => summaryRef.current?.focus());
      } else setFailure(caught);
    } finally {
      setSending(false);
    }
  };

  if (created) {
    return (
      <Created
        created={created.view}
        credentials={created.credentials}
        info={info}
        onFollow={() => {
          onFollow(created.credentials);
          navigate(PORTAL_PATHS.lookup);
        }}
        onAnother={() => {
          setDraft(EMPTY);
          setFiles([]);
          setIdempotencyKey(newIdempotencyKey());
          setCreated(undefined);
          onStep('form');
        }}
      />
    );
  }

  const subtypes = info.subtypes.filter((s) => s.type === draft.requestType);
  const summary = (Object.entries(errors) as Array<[FieldName, string]>).map(([field, message]) => ({
    field: field === 'type' ? 'request-type' : field,
    message,
  }));

  return (
    <>
      <h1>{t('form.heading')}</h1>
      <p>{t('form.intro')}</p>
      <ErrorSummary heading={t('form.errorsHeading')} errors={summary} summaryRef={summaryRef} />
      <form className="form" noValidate onSubmit={(event) => void submit(event)}>
        <Field id="request-type" label={t('form.type')} error={errors.type} required>
          <select
            {...describedBy('request-type', { error: errors.type })}
            required
            value={draft.requestType}
            onChange={set('requestType')}
          >
            <option value="">{t('form.typePlaceholder')}</option>
            {info.requestTypes.map((type) => (
              <option key={type.code} value={type.code}>
                {t(`common:requestType.${type.code}`)}
              </option>
            ))}
          </select>
        </Field>
        {subtypes.length > 0 && (
          <Field id="subtype" label={t('form.subtype')}>
            <select id="subtype" value={draft.subtype} onChange={set('subtype')}>
              <option value="">{t('form.subtypeNone')}</option>
              {subtypes.map((subtype) => (
                <option key={subtype.code} value={subtype.code}>
                  {subtype.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field
          id="description"
          label={t('form.description')}
          hint={t('form.descriptionHint')}
          error={errors.description}
          required
        >
          <textarea
            {...describedBy('description', { hint: true, error: errors.description })}
            required
            rows={5}
            maxLength={5000}
            value={draft.description}
            onChange={set('description')}
          />
        </Field>
        <fieldset className="fieldset">
          <legend>{t('form.aboutYou')}</legend>
          <Field id="name" label={t('form.name')}>
            <input id="name" autoComplete="name" value={draft.name} onChange={set('name')} />
          </Field>
          <Field id="account-number" label={t('form.accountNumber')}>
            <input id="account-number" value={draft.accountNumber} onChange={set('accountNumber')} />
          </Field>
          <Field id="phone" label={t('form.phone')} hint={t('form.phoneHint')} error={errors.phone}>
            <input
              {...describedBy('phone', { hint: true, error: errors.phone })}
              type="tel"
              autoComplete="tel"
              inputMode="tel"
              value={draft.phone}
              onChange={set('phone')}
            />
          </Field>
          <Field id="email" label={t('form.email')} error={errors.email}>
            <input
              {...describedBy('email', { error: errors.email })}
              type="email"
              autoComplete="email"
              value={draft.email}
              onChange={set('email')}
            />
          </Field>
        </fieldset>
        <Field
          id="attachments"
          label={t('form.attachments')}
          hint={t('form.attachmentsHint')}
          error={errors.attachments}
        >
          <input
            {...describedBy('attachments', { hint: true, error: errors.attachments })}
            type="file"
            multiple
            accept="image/*,application/pdf,.doc,.docx,.xls,.xlsx,.txt"
            onChange={(event) => {
              const chosen = Array.from(event.target.files ?? []);
              setFiles(chosen);
              revalidate(draft, chosen);
            }}
          />
        </Field>
        <p className="form__privacy">
          <Trans t={t} i18nKey="form.privacy">
            Al enviar su solicitud acepta nuestro <Link to={PORTAL_PATHS.privacy}>aviso de privacidad</Link>.
          </Trans>
        </p>
        <ErrorMessage error={failure} />
        <button type="submit" className="button button--primary">
          {sending ? t('form.submitting') : t('form.submit')}
        </button>
      </form>
    </>
  );
}
