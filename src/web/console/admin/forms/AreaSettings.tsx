import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session.tsx';
import { weekText } from './hours.ts';
import { type Profile, type SettingsPage, useSettingsPage } from './settings.tsx';
import { checkWeek, WeekEditor } from './WeekEditor.tsx';

type ProfileArea = Profile['areas'][number];

/**
 * Per active area: the supervisors who answer for it (agents with the supervisor role assigned to it,
 * changed on the agents page) and the calendar its deadlines count in, its own or the provider's.
 */
export function AreaSettings() {
  const { t } = useTranslation(['console', 'common']);
  const page = useSettingsPage();
  if (!page.profile) return <p>{t('common:loading')}</p>;
  return (
    <section aria-labelledby="area-settings-heading">
      <h2 id="area-settings-heading">{t('serviceAdmin.areas.heading')}</h2>
      <p className="muted">{t('serviceAdmin.areas.intro')}</p>
      {page.status}
      {page.profile.areas.map((area, i) => (
        <AreaForm
          key={`${area.code}-${page.version}`}
          page={page}
          index={i}
          areas={page.profile?.areas ?? []}
          zone={page.profile?.deadlines.businessCalendar.zone ?? 'America/Monterrey'}
        />
      ))}
    </section>
  );
}

function AreaForm({
  page,
  index,
  areas,
  zone,
}: {
  page: SettingsPage;
  index: number;
  areas: ProfileArea[];
  zone: string;
}) {
  const { t } = useTranslation(['console', 'common']);
  const { agents, areas: directory } = useSession();
  const area = areas[index] as ProfileArea;
  const areaId = directory.find((a) => a.code === area.code)?.id;
  const supervisors = agents.filter(
    (a) => a.role === 'supervisor' && a.active && areaId !== undefined && a.areaIds.includes(areaId),
  );
  const [own, setOwn] = useState(Boolean(area.calendar));
  const [week, setWeek] = useState(() => weekText(area.calendar?.hours));
  const [restDays, setRestDays] = useState(area.calendar?.restDays ?? true);
  const path = `areas.${index}.calendar`;
  const headingId = `area-${area.code}-heading`;

  const submit = () => {
    const checked = checkWeek(`${path}.hours`, week, {
      format: t('serviceAdmin.week.format'),
      neverOpen: t('serviceAdmin.calendar.neverOpen'),
    });
    const calendar = own
      ? {
          zone: area.calendar?.zone ?? zone,
          hours: checked.week,
          restDays,
          closures: area.calendar?.closures ?? [],
        }
      : undefined;
    const next = areas.map((a, i) => {
      if (i !== index) return a;
      const { calendar: _previous, ...rest } = a;
      return calendar ? { ...rest, calendar } : rest;
    });
    return page.save('areas', next, own ? checked.problems : []);
  };

  return (
    <form
      className="form panel"
      onSubmit={page.onSubmit(submit)}
      aria-labelledby={headingId}
      data-testid={`area-${area.code}`}
    >
      <h3 id={headingId}>{area.name}</h3>
      <p>
        <strong>{t('serviceAdmin.areas.supervisors')}:</strong>{' '}
        {supervisors.length > 0
          ? supervisors.map((s) => s.name).join(', ')
          : t('serviceAdmin.areas.noSupervisor')}
      </p>
      <fieldset className="fieldset" disabled={!page.canEdit}>
        <legend>{t('serviceAdmin.areas.calendar', { area: area.name })}</legend>
        <label>
          <input type="radio" name={`${area.code}-calendar`} checked={!own} onChange={() => setOwn(false)} />{' '}
          {t('serviceAdmin.areas.providerCalendar')}
        </label>
        <label>
          <input type="radio" name={`${area.code}-calendar`} checked={own} onChange={() => setOwn(true)} />{' '}
          {t('serviceAdmin.areas.ownCalendar')}
        </label>
        {own && (
          <>
            <WeekEditor
              path={`${path}.hours`}
              legend={t('serviceAdmin.areas.hours', { area: area.name })}
              value={week}
              onChange={setWeek}
              errorAt={page.errorAt}
            />
            <label>
              <input
                type="checkbox"
                checked={restDays}
                onChange={(event) => setRestDays(event.target.checked)}
              />{' '}
              {t('serviceAdmin.calendar.restDays')}
            </label>
          </>
        )}
      </fieldset>
      {page.canEdit && (
        <button type="submit" className="button button--primary" disabled={page.busy}>
          {t('serviceAdmin.areas.save')}
          <span className="visually-hidden"> {area.name}</span>
        </button>
      )}
    </form>
  );
}
