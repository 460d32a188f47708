import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { ErrorMessage } from '../shared/components.tsx';
import { describedBy, ErrorSummary, Field } from '../shared/Field.tsx';
import type { PortalCaseView, PortalInfo } from '../shared/types.ts';
import { api } from './api.ts';
import { CaseView } from './CaseView.tsx';

/** A folio and its second factor: the phone number or e-mail address on file. */
export interface Credentials {
  folio: string;
  factor: string;
}

/** Following a folio: asks for it and the second factor, then shows the case and lets the customer answer. */
export function Lookup({
  info,
  initial,
  onStep,
}: {
  info: PortalInfo;
  initial: Credentials;
  onStep: (step: string) => void;
}) {
  const { t } = useTranslation(['portal', 'common']);
  const [folio, setFolio] = useState(initial.folio);
  const [factor, setFactor] = useState(initial.factor);
  const [errors, setErrors] = useState<{ folio?: string; factor?: string }>({});
  const [failure, setFailure] = useState<ApiError>();
  const [searching, setSearching] = useState(false);
  const [found, setFound] = useState<{ view: PortalCaseView; credentials: Credentials }>();
  const summaryRef = useRef<HTMLDivElement>(null);

  const lookUp = async (credentials: Credentials) => {
    setSearching(true);
    setFailure(undefined);
    try {
      const view = await api.post<PortalCaseView>('/portal/lookup', credentials);
      setFound({ view, credentials });
      onStep(`case:${view.folio}`);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setSearching(false);
    }
  };

  // Arriving from a request just filed, the folio and factor are known: open it straight away.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the credentials handed in on arrival count.
  useEffect(() => {
    if (initial.folio && initial.factor) void lookUp(initial);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (searching) return;
    const found: typeof errors = {};
    if (!folio.trim()) found.folio = t('lookup.errors.folio');
    if (factor.trim().length < 3) found.factor = t('lookup.errors.factor');
    setErrors(found);
    if (found.folio || found.factor) {
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    void lookUp({ folio: folio.trim().toUpperCase(), factor: factor.trim() });
  };

  if (found) {
    return (
      <CaseView
        info={info}
        view={found.view}
        credentials={found.credentials}
        onChange={(view) => setFound({ view, credentials: found.credentials })}
        onBack={() => {
          setFound(undefined);
          setFolio('');
          setFactor('');
          onStep('lookup');
        }}
      />
    );
  }

  const summary = Object.entries(errors).map(([field, message]) => ({ field: `lookup-${field}`, message }));
  return (
    <>
      <h1>{t('lookup.heading')}</h1>
      <p>{t('lookup.intro')}</p>
      <ErrorSummary heading={t('form.errorsHeading')} errors={summary} summaryRef={summaryRef} />
      <form className="form" noValidate onSubmit={submit}>
        <Field
          id="lookup-folio"
          label={t('lookup.folio')}
          hint={t('lookup.folioHint')}
          error={errors.folio}
          required
        >
          <input
            {...describedBy('lookup-folio', { hint: true, error: errors.folio })}
            required
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            value={folio}
            onChange={(event) => setFolio(event.target.value)}
          />
        </Field>
        <Field id="lookup-factor" label={t('lookup.factor')} error={errors.factor} required>
          <input
            {...describedBy('lookup-factor', { error: errors.factor })}
            required
            value={factor}
            onChange={(event) => setFactor(event.target.value)}
          />
        </Field>
        {failure?.code === 'portal.not_found' ? (
          <p className="error" role="alert">
            {t('lookup.notFound')}
          </p>
        ) : (
          <ErrorMessage error={failure} />
        )}
        <button type="submit" className="button button--primary">
          {searching ? t('lookup.searching') : t('lookup.submit')}
        </button>
      </form>
    </>
  );
}
