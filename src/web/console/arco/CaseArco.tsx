import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ARCO_SUBTYPES, type ArcoSubtype } from '../../../domain/vocabulary.ts';
import type { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { Field } from '../../shared/Field.tsx';
import { useAsync } from '../../shared/hooks.ts';
import { Link } from '../../shared/router.tsx';
import type { CaseDetail } from '../../shared/types.ts';
import { api } from '../api.ts';
import { type ArcoRequest, attempt } from './shared.ts';

/**
 * An arco case's side panel: a link to its ARCO request, or, for a case opened without one (a message
 * that asked about personal data), the right it exercises, which makes it a request and starts its clock.
 * Rectificación and oposición need their details, so they are registered from the ARCO section instead.
 */
export function CaseArco({
  kase,
  mayChange,
  onChanged,
}: {
  kase: CaseDetail;
  mayChange: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation('console');
  const requests = useAsync(
    () => api.get<{ items: ArcoRequest[] }>(`/arco-requests?caseId=${kase.id}`),
    [kase.id],
  );
  const [subtype, setSubtype] = useState<ArcoSubtype>('acceso');
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const request = requests.data?.items[0];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    void attempt(async () => {
      await api.post<ArcoRequest>(`/cases/${encodeURIComponent(kase.folio)}/arco`, { subtype });
      await requests.reload();
      onChanged();
    }, setFailure).finally(() => setBusy(false));
  };

  if (!requests.data) return <ErrorMessage error={requests.error} />;
  return (
    <section className="panel" aria-labelledby="case-arco-heading" data-testid="case-arco">
      <h2 id="case-arco-heading">{t('arco.case.heading')}</h2>
      {request ? (
        <p>
          <Link to={`/app/arco/${request.id}`}>
            {t('arco.case.open', {
              subtype: t(`arco.subtype.${request.subtype}`),
              status: t(`arco.status.${request.status}`),
            })}
          </Link>
        </p>
      ) : mayChange ? (
        <form className="action-form" noValidate onSubmit={submit}>
          <p>{t('arco.case.hint')}</p>
          <Field id="case-arco-subtype" label={t('arco.register.subtype')}>
            <select
              id="case-arco-subtype"
              value={subtype}
              onChange={(event) => setSubtype(event.target.value as ArcoSubtype)}
            >
              {ARCO_SUBTYPES.filter((s) => s === 'acceso' || s === 'cancelacion').map((s) => (
                <option key={s} value={s}>
                  {t(`arco.subtype.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" className="button" disabled={busy}>
            {t('arco.case.submit')}
          </button>
          <ErrorMessage error={failure} />
        </form>
      ) : (
        <p>{t('arco.case.none')}</p>
      )}
    </section>
  );
}
