import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../shared/Field.tsx';
import { AdminTabs } from './AdminTabs.tsx';
import { type WeekText, weekText } from './forms/hours.ts';
import {
  bindInput,
  inputId,
  type PathError,
  type Profile,
  type SettingsPage,
  useSettingsPage,
} from './forms/settings.tsx';
import { checkWeek, WeekEditor } from './forms/WeekEditor.tsx';

type Channel = Profile['channels'][number];
type ContactPoint = Channel['contactPoints'][number];
const CONTACT_KINDS: ReadonlyArray<ContactPoint['kind']> = [
  'phone',
  'whatsapp',
  'email',
  'url',
  'facebook_page',
];

type Draft = Omit<Channel, 'hours'> & { alwaysOpen: boolean; week: WeekText };

/** Each channel's opening hours per weekday (or 24/7), whether it opens on rest days, and how to reach it. */
export function AdminHours() {
  const { t } = useTranslation(['console', 'common']);
  const page = useSettingsPage();
  return (
    <>
      <AdminTabs />
      <h2>{t('serviceAdmin.hours.heading')}</h2>
      <p className="muted">{t('serviceAdmin.hours.intro')}</p>
      {page.status}
      {page.profile ? (
        <HoursForm key={page.version} page={page} channels={page.profile.channels} />
      ) : (
        <p>{t('common:loading')}</p>
      )}
    </>
  );
}

function HoursForm({ page, channels }: { page: SettingsPage; channels: Channel[] }) {
  const { t } = useTranslation(['console', 'common']);
  const [drafts, setDrafts] = useState<Draft[]>(() =>
    channels.map(({ hours, ...channel }) => ({ ...channel, alwaysOpen: !hours, week: weekText(hours) })),
  );
  const update = (index: number, change: Partial<Draft>) =>
    setDrafts((all) => all.map((draft, i) => (i === index ? { ...draft, ...change } : draft)));
  const updatePoint = (index: number, at: number, change: Partial<ContactPoint>) =>
    update(index, {
      contactPoints: (drafts[index]?.contactPoints ?? []).map((point, i) =>
        i === at ? { ...point, ...change } : point,
      ),
    });

  const submit = () => {
    const problems: PathError[] = [];
    const value = drafts.map(({ alwaysOpen, week, ...channel }, i) => {
      if (channel.contactPoints.length === 0) {
        problems.push({ path: `channels.${i}.contactPoints`, message: t('serviceAdmin.hours.needsContact') });
      }
      if (alwaysOpen) return channel;
      const checked = checkWeek(`channels.${i}.hours`, week, {
        format: t('serviceAdmin.week.format'),
        neverOpen: t('serviceAdmin.hours.neverOpen'),
      });
      problems.push(...checked.problems);
      return { ...channel, hours: checked.week };
    });
    return page.save('channels', value, problems);
  };

  return (
    <form className="form" onSubmit={page.onSubmit(submit)} aria-label={t('serviceAdmin.hours.heading')}>
      {drafts.map((draft, i) => {
        const path = `channels.${i}`;
        const nameError = page.errorAt(`${path}.name`);
        const pointsError = page.errorAt(`${path}.contactPoints`, true);
        return (
          <fieldset
            key={draft.code}
            className="fieldset"
            disabled={!page.canEdit}
            data-testid={`channel-${draft.code}`}
          >
            <legend>
              {draft.name} <code>{draft.code}</code> · {t(`common:channel.${draft.channel}`)}
            </legend>
            <Field
              id={bindInput(`${path}.name`, nameError).id}
              label={t('serviceAdmin.hours.name')}
              error={nameError}
              required
            >
              <input
                {...bindInput(`${path}.name`, nameError)}
                required
                value={draft.name}
                onChange={(event) => update(i, { name: event.target.value })}
              />
            </Field>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={draft.alwaysOpen}
                onChange={(event) => update(i, { alwaysOpen: event.target.checked })}
              />{' '}
              {t('serviceAdmin.hours.alwaysOpen')}
            </label>
            {!draft.alwaysOpen && (
              <>
                <WeekEditor
                  path={`${path}.hours`}
                  legend={t('serviceAdmin.hours.weekLegend', { channel: draft.name })}
                  value={draft.week}
                  onChange={(week) => update(i, { week })}
                  errorAt={page.errorAt}
                />
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={draft.openOnRestDays}
                    onChange={(event) => update(i, { openOnRestDays: event.target.checked })}
                  />{' '}
                  {t('serviceAdmin.hours.openOnRestDays')}
                </label>
              </>
            )}
            <fieldset className="fieldset">
              <legend>{t('serviceAdmin.hours.contactPoints')}</legend>
              {pointsError && (
                <p className="field__error" id={inputId(`${path}.contactPoints`)}>
                  {pointsError}
                </p>
              )}
              {draft.contactPoints.map((point, at) => {
                const pointPath = `${path}.contactPoints.${at}`;
                const valueError = page.errorAt(`${pointPath}.value`);
                const displayError = page.errorAt(`${pointPath}.display`);
                const position = { n: at + 1, channel: draft.name };
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: contact points have no identity but their place.
                  <div key={at} className="inline-form">
                    <Field
                      id={bindInput(`${pointPath}.kind`, undefined).id}
                      label={t('serviceAdmin.hours.kind')}
                    >
                      <select
                        {...bindInput(`${pointPath}.kind`, undefined)}
                        value={point.kind}
                        onChange={(event) =>
                          updatePoint(i, at, { kind: event.target.value as ContactPoint['kind'] })
                        }
                      >
                        {CONTACT_KINDS.map((kind) => (
                          <option key={kind} value={kind}>
                            {t(`serviceAdmin.contactKinds.${kind}`)}
                          </option>
                        ))}
                      </select>
                    </Field>
                    <Field
                      id={bindInput(`${pointPath}.value`, valueError).id}
                      label={t('serviceAdmin.hours.value')}
                      error={valueError}
                      required
                    >
                      <input
                        {...bindInput(`${pointPath}.value`, valueError)}
                        required
                        value={point.value}
                        onChange={(event) => updatePoint(i, at, { value: event.target.value })}
                      />
                    </Field>
                    <Field
                      id={bindInput(`${pointPath}.display`, displayError).id}
                      label={t('serviceAdmin.hours.display')}
                      error={displayError}
                      required
                    >
                      <input
                        {...bindInput(`${pointPath}.display`, displayError)}
                        required
                        value={point.display}
                        onChange={(event) => updatePoint(i, at, { display: event.target.value })}
                      />
                    </Field>
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() =>
                        update(i, { contactPoints: draft.contactPoints.filter((_, k) => k !== at) })
                      }
                    >
                      {t('serviceAdmin.remove')}
                      <span className="visually-hidden"> {t('serviceAdmin.hours.pointN', position)}</span>
                    </button>
                  </div>
                );
              })}
              <button
                type="button"
                className="button button--small"
                onClick={() =>
                  update(i, {
                    contactPoints: [...draft.contactPoints, { kind: 'phone', value: '', display: '' }],
                  })
                }
              >
                {t('serviceAdmin.hours.addPoint')}
                <span className="visually-hidden"> ({draft.name})</span>
              </button>
            </fieldset>
          </fieldset>
        );
      })}
      {page.canEdit && (
        <button type="submit" className="button button--primary" disabled={page.busy}>
          {t('serviceAdmin.hours.save')}
        </button>
      )}
    </form>
  );
}
