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

// The case a customer opened stays open through a reload, for this tab only: sessionStorage is gone
// when the tab closes, and "look up another folio" forgets it at once (the factor is personal data).
const OPEN_CASE = 'atiende.portal.case';

function savedCase(): Credentials | undefined {
  try {
    const saved = JSON.parse(sessionStorage.getItem(OPEN_CASE) ?? 'null') as Partial<Credentials> | null;
    return saved?.folio && saved.factor ? { folio: saved.folio, factor: saved.factor } : undefined;
  } catch {
    return undefined;
  }
}

const rememberCase = (credentials: Credentials | undefined) => {
  try {
    if (credentials) sessionStorage.setItem(OPEN_CASE, JSON.stringify(credentials));
    else sessionStorage.removeItem(OPEN_CASE);
  } catch {
    // Storage refused (private mode, quota): the case just does not survive a reload.
  }
};

type Errors = { folio?: string; factor?: string };

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
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<ApiError>();
  const handedIn = initial.folio && initial.factor ? initial : undefined;
  const [restoring] = useState(() => (handedIn ? undefined : savedCase()));
  const [opening, setOpening] = useState(Boolean(handedIn ?? restoring));
  const [searching, setSearching] = useState(false);
  const [found, setFound] = useState<{ view: PortalCaseView; credentials: Credentials }>();
  const summaryRef = useRef<HTMLDivElement>(null);

  const lookUp = async (credentials: Credentials) => {
    setSearching(true);
    setFailure(undefined);
    try {
      const view = await api.post<PortalCaseView>('/portal/lookup', credentials);
      setFound({ view, credentials });
      rememberCase(credentials);
      onStep(`case:${view.folio}`);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      if (credentials === restoring) rememberCase(undefined);
      setFailure(caught);
    } finally {
      setSearching(false);
    }
  };

  // Arriving from a request just filed, or reloading a case opened in this tab: open it straight away.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the credentials known on arrival count.
  useEffect(() => {
    const known = handedIn ?? restoring;
    if (known) void lookUp(known).finally(() => setOpening(false));
  }, []);

  const check = (values: Credentials): Errors => ({
    folio: values.folio.trim() ? undefined : t('lookup.errors.folio'),
    factor: values.factor.trim().length >= 3 ? undefined : t('lookup.errors.factor'),
  });
  // While typing, an error goes as soon as its field is right; new ones wait for the next submit.
  const edit = (values: Credentials) => {
    setFolio(values.folio);
    setFactor(values.factor);
    const now = check(values);
    setErrors((shown) => ({
      folio: shown.folio && now.folio,
      factor: shown.factor && now.factor,
    }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (searching) return;
    const found = check({ folio, factor });
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
          rememberCase(undefined);
          setFound(undefined);
          setFolio('');
          setFactor('');
          onStep('lookup');
        }}
      />
    );
  }

  if (opening) return <p>{t('common:loading')}</p>;

  const summary = Object.entries(errors)
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    .map(([field, message]) => ({ field: `lookup-${field}`, message }));
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
            onChange={(event) => edit({ folio: event.target.value, factor })}
          />
        </Field>
        <Field id="lookup-factor" label={t('lookup.factor')} error={errors.factor} required>
          <input
            {...describedBy('lookup-factor', { error: errors.factor })}
            required
            value={factor}
            onChange={(event) => edit({ folio, factor: event.target.value })}
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
