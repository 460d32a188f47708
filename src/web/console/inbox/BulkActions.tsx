import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { Link } from '../../shared/router.tsx';
import type { CaseStatus } from '../../shared/types.ts';
import { api } from '../api.ts';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';

type Action = 'assign' | 'transfer' | 'status';
interface Result {
  folio: string;
  error?: ApiError;
}

// Statuses an agent moves several cases to at once; discarding needs a reason per case, so it is not here.
const BULK_STATUSES: CaseStatus[] = ['en_proceso', 'en_espera_cliente', 'resuelto', 'cerrado'];

/** The per-case endpoints, one case after another, so each answer is the case's own result. */
async function runEach(folios: string[], call: (folio: string) => Promise<unknown>): Promise<Result[]> {
  const results: Result[] = [];
  for (const folio of folios) {
    try {
      await call(folio);
      results.push({ folio });
    } catch (error) {
      results.push({
        folio,
        error: error instanceof ApiError ? error : new ApiError({ status: 0, code: 'client.error' }),
      });
    }
  }
  return results;
}

/** Assign, transfer or change the status of the selected cases, showing each case's outcome. */
export function BulkActions({ folios, onDone }: { folios: string[]; onDone: () => void }) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { agents, areas, settings } = useSession();
  const [action, setAction] = useState<Action>('assign');
  const [agentId, setAgentId] = useState('');
  const [areaId, setAreaId] = useState('');
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<CaseStatus>('en_proceso');
  const [causeCode, setCauseCode] = useState('');
  const [running, setRunning] = useState(false);
  const [results, setResults] = useState<Result[]>([]);

  // The server's stable code, in the agent's language; its English detail is never shown.
  const errorText = (error: ApiError) => {
    if (error.code === 'network.offline') return t('common:error.offline');
    const key = `bulk.errors.${error.code.replaceAll('.', '_')}`;
    return i18n.exists(`console:${key}`) ? t(key as 'bulk.errors.generic') : t('bulk.errors.generic');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setRunning(true);
    const path = (folio: string, what: string) => `/cases/${encodeURIComponent(folio)}/${what}`;
    const call =
      action === 'assign'
        ? (folio: string) => api.post(path(folio, 'assign'), { agentId })
        : action === 'transfer'
          ? (folio: string) => api.post(path(folio, 'transfer'), { areaId: Number(areaId), reason })
          : (folio: string) => api.post(path(folio, 'status'), { status, causeCode: causeCode || undefined });
    setResults(await runEach(folios, call));
    setRunning(false);
    onDone();
  };

  const failed = results.filter((r) => r.error).length;
  return (
    <section className="inbox-bulk" aria-labelledby="bulk-heading">
      <h2 id="bulk-heading" className="inbox-bulk__heading">
        {t('bulk.heading', { count: folios.length })}
      </h2>
      <form className="inbox-bulk__form" onSubmit={(event) => void submit(event)}>
        <label>
          {t('bulk.action')}
          <select value={action} onChange={(event) => setAction(event.target.value as Action)}>
            <option value="assign">{t('bulk.assign')}</option>
            <option value="transfer">{t('bulk.transfer')}</option>
            <option value="status">{t('bulk.status')}</option>
          </select>
        </label>
        {action === 'assign' && (
          <label>
            {t('bulk.agent')}
            <select required value={agentId} onChange={(event) => setAgentId(event.target.value)}>
              <option value="">{t('bulk.choose')}</option>
              {agents
                .filter((agent) => agent.active)
                .map((agent) => (
                  <option key={agent.id} value={agent.id}>
                    {agent.name}
                  </option>
                ))}
            </select>
          </label>
        )}
        {action === 'transfer' && (
          <>
            <label>
              {t('bulk.area')}
              <select required value={areaId} onChange={(event) => setAreaId(event.target.value)}>
                <option value="">{t('bulk.choose')}</option>
                {areas
                  .filter((area) => area.active)
                  .map((area) => (
                    <option key={area.id} value={String(area.id)}>
                      {area.name}
                    </option>
                  ))}
              </select>
            </label>
            <label>
              {t('bulk.reason')}
              <input
                required
                minLength={3}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
              />
            </label>
          </>
        )}
        {action === 'status' && (
          <>
            <label>
              {t('bulk.newStatus')}
              <select value={status} onChange={(event) => setStatus(event.target.value as CaseStatus)}>
                {BULK_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`common:status.${s}`)}
                  </option>
                ))}
              </select>
            </label>
            {status === 'resuelto' && (
              <label>
                {t('bulk.cause')}
                <select value={causeCode} onChange={(event) => setCauseCode(event.target.value)}>
                  <option value="">{t('bulk.noCause')}</option>
                  {settings.causeCodes.map((cause) => (
                    <option key={cause.code} value={cause.code}>
                      {cause.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </>
        )}
        <button type="submit" className="button button--small" disabled={running}>
          {running ? t('bulk.running') : t('bulk.apply', { count: folios.length })}
        </button>
      </form>
      {results.length > 0 && (
        <div className="inbox-bulk__results">
          <p role="status">{t('bulk.summary', { ok: results.length - failed, failed })}</p>
          <ul>
            {results.map((result) => (
              <li key={result.folio} className={result.error ? 'error' : undefined}>
                <Link to={PATHS.case(result.folio)}>{result.folio}</Link>:{' '}
                {result.error ? errorText(result.error) : t('bulk.ok')}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
