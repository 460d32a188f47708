import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import type { paths } from '../shared/api-types.ts';
import { ErrorMessage } from '../shared/components.tsx';
import { describedBy, Field } from '../shared/Field.tsx';
import { useAsync } from '../shared/hooks.ts';
import { currentLanguage } from '../shared/i18n.ts';
import { api } from './api.ts';

type SurveyView =
  paths['/api/v1/portal/surveys/{token}']['get']['responses'][200]['content']['application/json'];

const COMMENT_MAX = 2000;

/** The satisfaction survey a link opens (`/portal/encuesta/<token>`): a score from 1 to 5 and a comment. */
export function Survey({ token }: { token: string }) {
  const { t, i18n } = useTranslation(['portal', 'common']);
  const path = `/portal/surveys/${encodeURIComponent(token)}`;
  const loaded = useAsync(() => api.get<SurveyView>(path), [path]);
  const [answered, setAnswered] = useState<SurveyView>();
  const [score, setScore] = useState<number>();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError>();

  const survey = answered ?? loaded.data;
  if (!survey) {
    return (
      <>
        <h1>{t('survey.heading')}</h1>
        {loaded.error ? <ErrorMessage error={loaded.error} /> : <p>{t('common:loading')}</p>}
      </>
    );
  }
  const texts = currentLanguage(i18n.language) === 'en' ? survey.texts.en : survey.texts.es;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing = score === undefined ? t('survey.errors.score') : undefined;
    setError(missing);
    if (busy || score === undefined) return;
    setBusy(true);
    setFailure(undefined);
    api
      .post<SurveyView>(path, { score, ...(comment.trim() ? { comment: comment.trim() } : {}) })
      .then(setAnswered, (caught: unknown) => {
        if (!(caught instanceof ApiError)) throw caught;
        setFailure(caught);
      })
      .finally(() => setBusy(false));
  };

  return (
    <>
      <h1>{t('survey.heading')}</h1>
      <p>{t('survey.folio', { folio: survey.folio })}</p>
      {survey.status === 'respondida' ? (
        <p className="notice-info" role="status" data-testid="survey-done">
          {answered ? texts.thanks : t('survey.alreadyAnswered')}
        </p>
      ) : survey.status === 'expirada' ? (
        <p className="notice-info" role="status">
          {t('survey.expired')}
        </p>
      ) : (
        <form className="form" noValidate onSubmit={submit}>
          <fieldset
            className="fieldset"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'survey-score-error' : undefined}
          >
            <legend>{texts.question}</legend>
            {texts.scores.map((title, i) => (
              <label key={title}>
                <input
                  type="radio"
                  name="survey-score"
                  value={i + 1}
                  checked={score === i + 1}
                  onChange={() => {
                    setScore(i + 1);
                    setError(undefined);
                  }}
                />{' '}
                {title}
              </label>
            ))}
            {error && (
              <p id="survey-score-error" className="field__error">
                {error}
              </p>
            )}
          </fieldset>
          <Field id="survey-comment" label={t('survey.comment')} hint={t('survey.commentHint')}>
            <textarea
              {...describedBy('survey-comment', { hint: true })}
              rows={4}
              maxLength={COMMENT_MAX}
              value={comment}
              onChange={(event) => setComment(event.target.value)}
            />
          </Field>
          <ErrorMessage error={failure} />
          <button type="submit" className="button" disabled={busy}>
            {t('survey.send')}
          </button>
        </form>
      )}
    </>
  );
}
