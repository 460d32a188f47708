import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VISIT_OUTCOMES, type VisitOutcome } from '../../../domain/vocabulary.ts';
import { useFocusHeading } from '../../shared/a11y.ts';
import { type ApiError, readAttachments } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage, LanguageSwitch } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { api } from '../api.ts';
import { ChangePassword } from '../ChangePassword.tsx';
import type { ConsoleSessionInfo } from '../session.tsx';
import './field.css';

type Day = paths['/api/v1/field/my-day']['get']['responses'][200]['content']['application/json'];
type DayOrder = Day['orders'][number];

/** Photos past this size are redrawn smaller on the phone: a camera's original would not be accepted. */
const SHRINK_ABOVE_BYTES = 1.5 * 1024 * 1024;
const LONGEST_SIDE = 1600;

const localToday = () => new Intl.DateTimeFormat('en-CA').format(new Date());

async function photoUpload(file: File) {
  if (file.size <= SHRINK_ABOVE_BYTES) return (await readAttachments([file]))[0];
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
  if (!blob) return (await readAttachments([file]))[0];
  return (await readAttachments([new File([blob], 'evidencia.jpg', { type: 'image/jpeg' })]))[0];
}

/** What a technician records at the door: the outcome, notes and the evidence photo from the camera. */
function OrderDetail({
  order,
  timeZone,
  onBack,
}: {
  order: DayOrder;
  timeZone: string;
  onBack(saved?: string): void;
}) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const language = currentLanguage(i18n.language);
  const [outcome, setOutcome] = useState<VisitOutcome>('realizada');
  const [notes, setNotes] = useState('');
  const [file, setFile] = useState<File>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const photo = file ? await photoUpload(file) : undefined;
      await api.post(`/service-orders/${order.id}/visits`, {
        outcome,
        ...(notes.trim() ? { notes } : {}),
        ...(photo ? { photo } : {}),
      });
      onBack(t('field.day.saved', { outcome: t(`field.outcome.${outcome}`) }));
    } catch (caught) {
      setError(caught as ApiError);
      setBusy(false);
    }
  };
  const fieldError = (name: string) => (error?.field?.startsWith(name) ? ' ' : undefined);
  return (
    <article className="field-order" aria-labelledby="order-heading">
      <button type="button" className="button button--small" onClick={() => onBack()}>
        {t('field.day.back')}
      </button>
      <h1 id="order-heading">
        {t('field.day.order', { number: order.number, kind: t(`field.kind.${order.kind}`) })}
      </h1>
      <OrderFacts order={order} timeZone={timeZone} language={language} />
      {order.status === 'agendada' ? (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <fieldset className="field-order__outcomes">
            <legend>{t('field.day.outcome')}</legend>
            {VISIT_OUTCOMES.map((value) => (
              <label key={value} className="field-order__outcome">
                <input
                  type="radio"
                  name="outcome"
                  value={value}
                  checked={outcome === value}
                  onChange={() => setOutcome(value)}
                />
                {t(`field.outcome.${value}`)}
              </label>
            ))}
          </fieldset>
          <Field id="visit-notes" label={t('field.day.notes')}>
            <textarea
              {...describedBy('visit-notes', {})}
              rows={3}
              maxLength={2000}
              value={notes}
              onChange={(event) => setNotes(event.target.value)}
            />
          </Field>
          <Field
            id="visit-photo"
            label={t('field.day.photo')}
            hint={t('field.day.photoHint')}
            error={fieldError('photo')}
          >
            <input
              {...describedBy('visit-photo', { hint: true, error: fieldError('photo') })}
              type="file"
              accept="image/*"
              capture="environment"
              onChange={(event) => setFile(event.target.files?.[0])}
            />
          </Field>
          <ErrorMessage error={error} />
          <button type="submit" className="button button--primary field-order__save" disabled={busy}>
            {busy ? t('field.day.saving') : t('field.day.save')}
          </button>
        </form>
      ) : (
        <p className="muted">{t(`field.status.${order.status}`)}</p>
      )}
    </article>
  );
}

function OrderFacts({
  order,
  timeZone,
  language,
}: {
  order: DayOrder;
  timeZone: string;
  language: 'es-MX' | 'en';
}) {
  const { t } = useTranslation(['console', 'common']);
  return (
    <dl className="field-order__facts">
      <dt className="visually-hidden">{t('field.panel.windowStart')}</dt>
      <dd>
        {t('field.panel.window', {
          from: formatDateTime(order.windowStart, language, timeZone),
          to: formatDateTime(order.windowEnd, language, timeZone),
        })}
        {order.confirmedAt ? ` · ${t('field.day.confirmed')}` : ''}
      </dd>
      <dt>{t('field.day.address')}</dt>
      <dd>{order.address ?? t('field.day.noAddress')}</dd>
      <dt>{t('field.day.customer')}</dt>
      <dd>{order.customerFirstName ?? '—'}</dd>
      <dt>{t('field.day.phone')}</dt>
      <dd>{order.phone ? <a href={`tel:${order.phone.replace(/[^\d+]/g, '')}`}>{order.phone}</a> : '—'}</dd>
    </dl>
  );
}

/** The technician's visits of a day, by window; opening one records its outcome. */
function MyDay() {
  const { t, i18n } = useTranslation(['console', 'common']);
  const language = currentLanguage(i18n.language);
  const [date, setDate] = useState(localToday);
  const [openId, setOpenId] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const day = useAsync(() => api.get<Day>('/field/my-day', { date }), [date]);
  const open = day.data?.orders.find((o) => o.id === openId);
  useFocusHeading(open ? `order-${open.id}` : 'day');
  if (open && day.data)
    return (
      <OrderDetail
        order={open}
        timeZone={day.data.timeZone}
        onBack={(message) => {
          setOpenId(undefined);
          setSaved(message);
          if (message) void day.reload();
        }}
      />
    );
  return (
    <section aria-labelledby="day-heading">
      <h1 id="day-heading">{t('field.day.heading')}</h1>
      <Field id="day-date" label={t('field.day.date')}>
        <input
          {...describedBy('day-date', {})}
          type="date"
          value={date}
          onChange={(event) => event.target.value && setDate(event.target.value)}
        />
      </Field>
      {saved && (
        <p className="notice" role="status">
          {saved}
        </p>
      )}
      <ErrorMessage error={day.error} />
      {day.data && day.data.orders.length === 0 && <p className="muted">{t('field.day.none')}</p>}
      <ul className="field-day">
        {day.data?.orders.map((order) => (
          <li key={order.id}>
            <button type="button" className="field-day__order" onClick={() => setOpenId(order.id)}>
              <strong>
                {t('field.day.order', { number: order.number, kind: t(`field.kind.${order.kind}`) })}
              </strong>
              <span>
                {formatDateTime(order.windowStart, language, day.data?.timeZone ?? 'UTC')} ·{' '}
                {t(`field.status.${order.status}`)}
              </span>
              <span>{order.address ?? t('field.day.noAddress')}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The console of a field technician, phone-sized first: their day list, and changing their password.
 * Nothing of the desk (cases, customers, live feed, presence) is loaded: the API refuses it to them.
 */
export function FieldApp({ info, onLogout }: { info: ConsoleSessionInfo; onLogout(): void }) {
  const { t } = useTranslation(['console', 'common']);
  const [page, setPage] = useState<'day' | 'password'>('day');
  const logout = async () => {
    await api.post('/auth/logout').catch(() => undefined);
    api.setCsrfToken(null);
    onLogout();
  };
  return (
    <div className="field-app">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="console-header field-app__header">
        <span className="console-header__brand">{t('appName')}</span>
        <div className="console-header__tools">
          <span className="console-header__me">
            {info.agent.name} · {t(`role.${info.agent.role}`)}
          </span>
          <button
            type="button"
            className="button button--small"
            aria-pressed={page === 'password'}
            onClick={() => setPage(page === 'day' ? 'password' : 'day')}
          >
            {page === 'day' ? t('header.changePassword') : t('nav.field')}
          </button>
          <LanguageSwitch />
          <button type="button" className="button button--small" onClick={() => void logout()}>
            {t('header.logout')}
          </button>
        </div>
      </header>
      <main id="main" className="console-main field-app__main" tabIndex={-1}>
        {page === 'day' ? <MyDay /> : <ChangePassword />}
      </main>
    </div>
  );
}
