import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Temporal } from 'temporal-polyfill';
import { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import type { CaseDetail } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { isFinal } from './lifecycle.ts';

// A datetime-local input shows and takes wall time; the provider's zone turns it into an instant.
const toInput = (iso: string, timeZone: string) =>
  Temporal.Instant.from(iso)
    .toZonedDateTimeISO(timeZone)
    .toPlainDateTime()
    .toString({ smallestUnit: 'minute' });
export const instantFromInput = (value: string, timeZone: string) =>
  Temporal.PlainDateTime.from(value).toZonedDateTime(timeZone).toInstant().toString();

/**
 * A failure's start and restoration, beside the deadlines: what compensation is measured by. An agent of
 * the area sets or corrects them until the case is closed; resolving a failure needs the restoration.
 */
export function FailureTimes({
  kase,
  mayChange,
  onChanged,
}: {
  kase: CaseDetail;
  mayChange: boolean;
  onChanged: () => Promise<void>;
}) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const failure = kase.failure;
  const [startedAt, setStartedAt] = useState('');
  const [restoredAt, setRestoredAt] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  if (!failure) return null;
  const editable = mayChange && !isFinal(kase.status);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || (!startedAt && !restoredAt)) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.put(`/cases/${encodeURIComponent(kase.folio)}/failure-times`, {
        ...(startedAt ? { failureStartedAt: instantFromInput(startedAt, timeZone) } : {}),
        ...(restoredAt ? { serviceRestoredAt: instantFromInput(restoredAt, timeZone) } : {}),
      });
      setStartedAt('');
      setRestoredAt('');
      await onChanged();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="failure-times-heading" data-testid="failure-times">
      <h2 id="failure-times-heading">{t('failureTimes.heading')}</h2>
      <dl className="case__facts">
        <div>
          <dt>{t('failureTimes.startedAt')}</dt>
          <dd>
            {formatDateTime(failure.startedAt, language, timeZone)}{' '}
            <span className="muted">
              ({failure.startedAtReport ? t('failureTimes.fromReport') : t('failureTimes.fromProvider')})
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('failureTimes.restoredAt')}</dt>
          <dd data-testid="service-restored-at">
            {failure.restoredAt
              ? formatDateTime(failure.restoredAt, language, timeZone)
              : t('failureTimes.pending')}
          </dd>
        </div>
      </dl>
      {editable && (
        <form className="action-form" noValidate onSubmit={(event) => void save(event)}>
          <Field
            id="failure-started"
            label={t('failureTimes.setStart')}
            hint={t('failureTimes.setStartHint')}
          >
            <input
              {...describedBy('failure-started', { hint: true })}
              type="datetime-local"
              value={startedAt || toInput(failure.startedAt, timeZone)}
              onChange={(event) => setStartedAt(event.target.value)}
            />
          </Field>
          <Field id="failure-restored" label={t('failureTimes.setRestored')}>
            <input
              id="failure-restored"
              type="datetime-local"
              value={restoredAt || (failure.restoredAt ? toInput(failure.restoredAt, timeZone) : '')}
              onChange={(event) => setRestoredAt(event.target.value)}
            />
          </Field>
          <button type="submit" className="button" disabled={busy || (!startedAt && !restoredAt)}>
            {t('failureTimes.save')}
          </button>
        </form>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
