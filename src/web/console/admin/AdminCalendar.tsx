import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../shared/components.tsx';
import { Field } from '../../shared/Field.tsx';
import { formatDate } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { api } from '../api.ts';
import { AdminTabs } from './AdminTabs.tsx';
import { weekText } from './forms/hours.ts';
import {
  bindInput,
  type PathError,
  type Profile,
  type SettingsPage,
  useSettingsPage,
} from './forms/settings.tsx';
import { checkWeek, WeekEditor } from './forms/WeekEditor.tsx';

type Deadlines = Profile['deadlines'];
type Closure = Deadlines['businessCalendar']['closures'][number];

/** The business calendar deadlines count in (hours, rest days, closures) and the rest days it observes. */
export function AdminCalendar() {
  const { t } = useTranslation(['console', 'common']);
  const page = useSettingsPage();
  return (
    <>
      <AdminTabs />
      <h2>{t('serviceAdmin.calendar.heading')}</h2>
      <p className="muted">{t('serviceAdmin.calendar.intro')}</p>
      {page.status}
      {page.profile ? (
        <>
          <CalendarForm key={page.version} page={page} deadlines={page.profile.deadlines} />
          <Holidays timeZone={page.profile.provider.timeZone} />
        </>
      ) : (
        <p>{t('common:loading')}</p>
      )}
    </>
  );
}

function CalendarForm({ page, deadlines }: { page: SettingsPage; deadlines: Deadlines }) {
  const { t } = useTranslation(['console', 'common']);
  const calendar = deadlines.businessCalendar;
  const [zone, setZone] = useState(calendar.zone);
  const [week, setWeek] = useState(() => weekText(calendar.hours));
  const [restDays, setRestDays] = useState(calendar.restDays);
  const [closures, setClosures] = useState<Closure[]>(calendar.closures);
  const path = 'deadlines.businessCalendar';

  const submit = () => {
    const checked = checkWeek(`${path}.hours`, week, {
      format: t('serviceAdmin.week.format'),
      neverOpen: t('serviceAdmin.calendar.neverOpen'),
    });
    const problems: PathError[] = [...checked.problems];
    return page.save(
      'deadlines',
      {
        ...deadlines,
        businessCalendar: {
          zone: zone.trim(),
          hours: checked.week,
          restDays,
          closures: closures.map((c) => ({ date: c.date, reason: c.reason.trim() })),
        },
      },
      problems,
    );
  };

  const zoneError = page.errorAt(`${path}.zone`);
  return (
    <form className="form" onSubmit={page.onSubmit(submit)} aria-labelledby="business-calendar-heading">
      <h3 id="business-calendar-heading">{t('serviceAdmin.calendar.business')}</h3>
      <fieldset className="fieldset" disabled={!page.canEdit}>
        <legend>{t('serviceAdmin.calendar.business')}</legend>
        <Field
          id={bindInput(`${path}.zone`, zoneError).id}
          label={t('serviceAdmin.calendar.zone')}
          hint={t('serviceAdmin.calendar.zoneHint')}
          error={zoneError}
          required
        >
          <input
            {...bindInput(`${path}.zone`, zoneError, true)}
            required
            value={zone}
            onChange={(event) => setZone(event.target.value)}
          />
        </Field>
        <WeekEditor
          path={`${path}.hours`}
          legend={t('serviceAdmin.calendar.hours')}
          value={week}
          onChange={setWeek}
          errorAt={page.errorAt}
        />
        <label>
          <input type="checkbox" checked={restDays} onChange={(event) => setRestDays(event.target.checked)} />{' '}
          {t('serviceAdmin.calendar.restDays')}
        </label>
        <fieldset className="fieldset">
          <legend>{t('serviceAdmin.calendar.closures')}</legend>
          {closures.length === 0 && <p className="muted">{t('serviceAdmin.calendar.noClosures')}</p>}
          {closures.map((closure, i) => {
            const at = `${path}.closures.${i}`;
            const dateError = page.errorAt(`${at}.date`);
            const reasonError = page.errorAt(`${at}.reason`);
            const change = (next: Partial<Closure>) =>
              setClosures((all) => all.map((c, k) => (k === i ? { ...c, ...next } : c)));
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a closure being typed has no identity but its place.
              <div key={i} className="inline-form">
                <Field
                  id={bindInput(`${at}.date`, dateError).id}
                  label={t('serviceAdmin.calendar.date')}
                  error={dateError}
                  required
                >
                  <input
                    {...bindInput(`${at}.date`, dateError)}
                    type="date"
                    required
                    value={closure.date}
                    onChange={(event) => change({ date: event.target.value })}
                  />
                </Field>
                <Field
                  id={bindInput(`${at}.reason`, reasonError).id}
                  label={t('serviceAdmin.calendar.reason')}
                  error={reasonError}
                  required
                >
                  <input
                    {...bindInput(`${at}.reason`, reasonError)}
                    required
                    maxLength={200}
                    value={closure.reason}
                    onChange={(event) => change({ reason: event.target.value })}
                  />
                </Field>
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => setClosures((all) => all.filter((_, k) => k !== i))}
                >
                  {t('serviceAdmin.remove')}
                  <span className="visually-hidden">
                    {' '}
                    {closure.date || t('serviceAdmin.calendar.closureN', { n: i + 1 })}
                  </span>
                </button>
              </div>
            );
          })}
          <button
            type="button"
            className="button button--small"
            onClick={() => setClosures((all) => [...all, { date: '', reason: '' }])}
          >
            {t('serviceAdmin.calendar.addClosure')}
          </button>
        </fieldset>
      </fieldset>
      {page.canEdit && (
        <button type="submit" className="button button--primary" disabled={page.busy}>
          {t('serviceAdmin.calendar.save')}
        </button>
      )}
    </form>
  );
}

/** The year a day falls in, in the provider's time zone (New Year's Eve in Monterrey is still last year). */
const yearIn = (timeZone: string) =>
  Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(new Date()));

/** The Mexican mandatory rest days of this year and next, read-only: the law sets them, not the provider. */
function Holidays({ timeZone }: { timeZone: string }) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const language = currentLanguage(i18n.language);
  const year = yearIn(timeZone);
  const lists = useAsync(
    () =>
      Promise.all(
        [year, year + 1].map((y) =>
          api.get<{ year: number; days: string[] }>('/settings/holidays', { year: y }),
        ),
      ),
    [year],
  );
  return (
    <section aria-labelledby="holidays-heading">
      <h3 id="holidays-heading">{t('serviceAdmin.calendar.holidays')}</h3>
      <p className="muted">{t('serviceAdmin.calendar.holidaysIntro')}</p>
      <ErrorMessage error={lists.error} />
      {lists.data?.map((list) => (
        <div key={list.year}>
          <h4>{list.year}</h4>
          <ul className="plain-list" data-testid={`holidays-${list.year}`}>
            {list.days.map((day) => (
              <li key={day}>
                <time dateTime={day}>{formatDate(`${day}T12:00:00Z`, language, 'UTC')}</time>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
