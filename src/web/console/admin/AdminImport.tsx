import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { api } from '../api.ts';
import { AdminTabs } from './AdminTabs.tsx';

type ImportStatus =
  paths['/api/v1/imports/customers/{id}']['get']['responses'][200]['content']['application/json'];
type Started = paths['/api/v1/imports/customers']['post']['responses'][202]['content']['application/json'];

const COUNTS = [
  'creado',
  'actualizado',
  'sin_cambios',
  'rechazado',
  'planes_nuevos',
  'zonas_nuevas',
  'movimientos_de_saldo',
] as const;

/** Polled rather than followed on the live feed: an import announces one event, when it ends. */
const POLL_MS = 1000;

/** The customers import: a file from the billing system, checked first (dry run), then imported. */
export function AdminImport() {
  const { t } = useTranslation(['console', 'common']);
  const [file, setFile] = useState<File>();
  const [dryRun, setDryRun] = useState(true);
  const [uploading, setUploading] = useState(false);
  const [importId, setImportId] = useState<string>();
  const [status, setStatus] = useState<ImportStatus>();
  const [failure, setFailure] = useState<ApiError>();

  useEffect(() => {
    if (!importId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await api.get<ImportStatus>(`/imports/customers/${importId}`);
        if (stopped) return;
        setStatus(next);
        if (next.status === 'en_curso') timer = setTimeout(poll, POLL_MS);
      } catch (caught) {
        if (!(caught instanceof ApiError)) throw caught;
        if (!stopped) setFailure(caught);
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [importId]);

  const running = uploading || status?.status === 'en_curso';

  const start = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setFailure(undefined);
    setStatus(undefined);
    setImportId(undefined);
    setUploading(true);
    try {
      const query = new URLSearchParams({ dryRun: String(dryRun), filename: file.name });
      const started = await api.postFile<Started>(`/imports/customers?${query}`, file, 'text/csv');
      setImportId(started.id);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setUploading(false);
    }
  };

  const fileProblems = Array.isArray(failure?.problem.problems)
    ? (failure.problem.problems as Array<{ line: number; message: string }>)
    : [];

  return (
    <>
      <AdminTabs />
      <p>{t('admin.import.intro')}</p>
      <form className="stack" onSubmit={start}>
        <label>
          {t('admin.import.file')}
          <input
            type="file"
            accept=".csv,text/csv"
            required
            onChange={(event) => setFile(event.target.files?.[0])}
          />
        </label>
        <label>
          <input type="checkbox" checked={dryRun} onChange={(event) => setDryRun(event.target.checked)} />{' '}
          {t('admin.import.dryRun')}
        </label>
        <div>
          <button type="submit" className="button" disabled={!file || running}>
            {dryRun ? t('admin.import.start') : t('admin.import.startReal')}
          </button>
        </div>
      </form>
      <ErrorMessage error={failure} />
      {fileProblems.length > 0 && (
        <ul>
          {fileProblems.map((p) => (
            <li key={`${p.line}-${p.message}`}>{p.message}</li>
          ))}
        </ul>
      )}
      {uploading && <p role="status">{t('admin.import.uploading')}</p>}
      {status && <ImportProgress status={status} />}
    </>
  );
}

function ImportProgress({ status }: { status: ImportStatus }) {
  const { t } = useTranslation(['console', 'common']);
  const finished = status.status === 'terminada';
  return (
    <section aria-labelledby="import-progress">
      <h2 id="import-progress">
        {status.filename}: {t(`admin.import.status.${status.status}`)}
      </h2>
      <progress
        className="import-progress"
        max={100}
        value={status.percent}
        aria-label={t('admin.import.progress')}
        aria-valuetext={`${status.percent} %`}
      />
      <p role="status">
        {t('admin.import.processed', {
          processed: status.processedRows,
          total: status.totalRows,
          percent: status.percent,
        })}
        {' · '}
        {t('admin.import.rate', { rate: status.rowsPerSecond })}
        {status.status === 'en_curso' && status.etaSeconds !== null && (
          <> · {t('admin.import.eta', { seconds: status.etaSeconds })}</>
        )}
      </p>
      {finished && (
        <p className="notice">{t(status.dryRun ? 'admin.import.dryRunDone' : 'admin.import.done')}</p>
      )}
      <dl className="import-counts">
        {COUNTS.map((key) => (
          <div key={key}>
            <dt>{t(`admin.import.counts.${key}`)}</dt>
            <dd data-count={key}>{status.counts[key]}</dd>
          </div>
        ))}
      </dl>
      <h3>{t('admin.import.problems', { count: status.problemCount })}</h3>
      {status.problemCount === 0 ? (
        <p>{t('admin.import.none')}</p>
      ) : (
        <>
          {status.problemCount > status.problems.length && (
            <p>{t('admin.import.firstShown', { shown: status.problems.length })}</p>
          )}
          <p>
            <a href={`/api/v1/imports/customers/${status.id}/report.csv`} download>
              {t('admin.import.report')}
            </a>
          </p>
          <div className="table-wrap">
            <table className="cases">
              <thead>
                <tr>
                  <th scope="col">{t('admin.import.line')}</th>
                  <th scope="col">{t('admin.import.column')}</th>
                  <th scope="col">{t('admin.import.code')}</th>
                  <th scope="col">{t('admin.import.message')}</th>
                </tr>
              </thead>
              <tbody>
                {status.problems.map((p) => (
                  <tr key={`${p.line}-${p.column}-${p.code}`}>
                    <th scope="row">{p.line}</th>
                    <td>{p.column ?? '—'}</td>
                    <td>
                      <code>{p.code}</code>
                    </td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
