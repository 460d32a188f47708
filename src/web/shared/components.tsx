import { useTranslation } from 'react-i18next';
import { type ApiError, problemMessage } from './api.ts';
import { formatDateTime, formatDuration, type Language } from './format.ts';
import { currentLanguage } from './i18n.ts';
import type { Deadline } from './types.ts';

/** One button that switches between Spanish and English, named in the language it switches to. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const next: Language = currentLanguage(i18n.language) === 'en' ? 'es-MX' : 'en';
  return (
    <button
      type="button"
      className="language-switch"
      lang={next}
      onClick={() => void i18n.changeLanguage(next)}
    >
      {t('language.switchTo')}
    </button>
  );
}

/**
 * The text an API failure shows, in the person's language: the translation of its code. The console
 * translates every code (a test walks them), so a missing one falls back to a generic message; the
 * portal, whose customer-facing refusals the server words in Spanish, keeps their detail until it has
 * its own table.
 */
function useErrorText() {
  const { t, i18n } = useTranslation();
  return (error: ApiError) => {
    const known = problemMessage(error, (key, values) =>
      i18n.exists(key) ? String(i18n.t(key, values as never)) : undefined,
    );
    if (known) return known;
    if (error.code === 'network.offline') return t('error.offline');
    if (error.status === 429) return t('error.rateLimited');
    if (i18n.exists('console:problems')) return t('error.generic');
    return error.detail ?? t('error.generic');
  };
}

export function ErrorMessage({ error }: { error: ApiError | undefined }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {text(error)}
    </p>
  );
}

/** The deadline's state as a badge plus the time left (or overdue), ticking with `now`. */
export function DeadlineBadge({
  deadline,
  now,
  timeZone,
  showDate = false,
}: {
  deadline: Deadline | null;
  now: number;
  timeZone: string;
  showDate?: boolean;
}) {
  const { t, i18n } = useTranslation();
  if (!deadline) return <span className="deadline deadline--none">{t('deadline.none')}</span>;
  const language = currentLanguage(i18n.language);
  let text: string;
  if (deadline.metAt) text = t('deadline.met');
  else if (deadline.state === 'pausado') text = t('deadline.paused');
  else {
    const remaining = new Date(deadline.dueAt).getTime() - now;
    const duration = formatDuration(remaining);
    text = remaining >= 0 ? t('deadline.dueIn', { duration }) : t('deadline.overdueBy', { duration });
  }
  const breached = !deadline.metAt && (deadline.state === 'vencido' || deadline.state === 'por_vencer');
  return (
    <span className={`deadline deadline--${deadline.metAt ? 'met' : deadline.state}`}>
      {breached && <span className="badge">{t(`deadlineState.${deadline.state}`)}</span>} <span>{text}</span>
      {showDate && (
        <span className="deadline__date">
          {' · '}
          {t('deadline.dueAt', { date: formatDateTime(deadline.dueAt, language, timeZone) })}
        </span>
      )}
    </span>
  );
}
