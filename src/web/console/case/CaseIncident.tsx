import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import type { CaseDetail } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';

type Incident = paths['/api/v1/incidents']['get']['responses'][200]['content']['application/json'][number];

/**
 * The outage a case belongs to: its number, status and ETA, so the agent can tell the customer; an agent
 * who may change the case links it to an incident in force or takes it off.
 */
export function CaseIncident({
  kase,
  mayChange,
  onChanged,
}: {
  kase: CaseDetail;
  mayChange: boolean;
  onChanged: () => Promise<void>;
}) {
  const { t, i18n } = useTranslation('console');
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const linked = kase.incident;
  // Only who may link needs the incidents to choose from.
  const open = useAsync(
    async () =>
      mayChange && !linked
        ? (await api.get<Incident[]>('/incidents')).filter((i) => i.status !== 'cerrado')
        : [],
    [mayChange, linked?.id],
  );
  const [chosen, setChosen] = useState('');
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const url = `/cases/${encodeURIComponent(kase.folio)}/incident`;

  const run = async (change: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await change();
      setChosen('');
      await onChanged();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  if (!linked && !mayChange) return null;
  const choices = open.data ?? [];
  return (
    <section className="panel" aria-labelledby="case-incident-heading" data-testid="case-incident">
      <h2 id="case-incident-heading">{t('incidents.caseLink.heading')}</h2>
      {linked ? (
        <>
          <p>
            {t('incidents.caseLink.linked', {
              number: linked.number,
              status: t(`incidents.status.${linked.status}`),
            })}
          </p>
          <p>
            {t('incidents.caseLink.eta', {
              eta: linked.eta ? formatDateTime(linked.eta, language, timeZone) : t('incidents.noEta'),
            })}
          </p>
          {mayChange && (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void run(() => api.delete(url))}
            >
              {t('incidents.caseLink.unlink')}
            </button>
          )}
        </>
      ) : (
        <>
          <p className="muted">{t('incidents.caseLink.none')}</p>
          {choices.length === 0 ? (
            <p className="muted">{t('incidents.caseLink.noOpen')}</p>
          ) : (
            <form
              className="action-form"
              onSubmit={(event) => {
                event.preventDefault();
                if (chosen) void run(() => api.put(url, { incidentId: chosen }));
              }}
            >
              <label htmlFor="case-incident-choice">{t('incidents.caseLink.choose')}</label>
              <select
                id="case-incident-choice"
                value={chosen}
                onChange={(event) => setChosen(event.target.value)}
              >
                <option value="" />
                {choices.map((incident) => (
                  <option key={incident.id} value={incident.id}>
                    {t('incidents.number', { number: incident.number })} —{' '}
                    {incident.zones.map((z) => z.name).join(', ')}
                  </option>
                ))}
              </select>
              <button type="submit" className="button" disabled={busy || !chosen}>
                {t('incidents.caseLink.link')}
              </button>
            </form>
          )}
        </>
      )}
      <ErrorMessage error={failure ?? open.error} />
    </section>
  );
}
