import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../shared/Field.tsx';
import type { Weekday } from '../../../shared/types.ts';
import { isNeverOpen, parseWeek, WEEKDAYS, type Week, type WeekText } from './hours.ts';
import { bindInput, inputId, type PathError } from './settings.tsx';

/**
 * A week's opening hours, one text input per weekday ("09:00–14:00, 16:00–18:00"; empty is closed), so
 * the keyboard edits a day as one line. `path` is where the week sits in the profile (`channels.2.hours`).
 */
export function WeekEditor({
  path,
  legend,
  value,
  onChange,
  errorAt,
  disabled,
}: {
  path: string;
  legend: ReactNode;
  value: WeekText;
  onChange: (value: WeekText) => void;
  errorAt: (path: string) => string | undefined;
  disabled?: boolean;
}) {
  const { t } = useTranslation(['console', 'common']);
  // A problem with the week as a whole (it never opens), not with one of its days.
  const weekError = errorAt(`${path}.*`);
  return (
    <fieldset className="fieldset week-editor" disabled={disabled}>
      <legend>{legend}</legend>
      <p className="muted">{t('serviceAdmin.week.hint')}</p>
      {weekError && (
        <p className="field__error" id={inputId(`${path}.*`)}>
          {weekError}
        </p>
      )}
      {WEEKDAYS.map((day: Weekday) => {
        const dayPath = `${path}.${day}`;
        const error = errorAt(dayPath);
        return (
          <Field key={day} id={bindInput(dayPath, error).id} label={t(`common:weekday.${day}`)} error={error}>
            <input
              {...bindInput(dayPath, error)}
              value={value[day]}
              placeholder={t('serviceAdmin.week.closed')}
              onChange={(event) => onChange({ ...value, [day]: event.target.value })}
            />
          </Field>
        );
      })}
    </fieldset>
  );
}

/**
 * The week the texts describe, and the problems the console can tell before asking the server: a day
 * that is not a list of intervals, or a week with no open minute (its next opening would never come).
 */
export function checkWeek(
  path: string,
  text: WeekText,
  messages: { format: string; neverOpen: string },
): { week: Week; problems: PathError[] } {
  const { week, invalid } = parseWeek(text);
  const problems = invalid.map((day) => ({ path: `${path}.${day}`, message: messages.format }));
  if (invalid.length === 0 && isNeverOpen(week)) {
    problems.push({ path: `${path}.*`, message: messages.neverOpen });
  }
  return { week, problems };
}
