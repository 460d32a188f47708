import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { formatDateTime, formatSize } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { AdminTabs } from './AdminTabs.tsx';

type Reports = paths['/api/v1/regulator-reports']['get']['responses'][200]['content']['application/json'];
type Report = Reports[number];

/** The last finished month in the provider's time zone, which the form proposes. */
function lastMonth(timeZone: string): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format();
  const [year = 0, month = 1] = today.split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/**
 * The monthly reports for the regulators: the archived months with their files and SHA-256, and a form
 * to generate a past month the job did not (e.g. one before Atiende was installed).
 */
export function AdminReports() {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const list = useAsync(() => api.get<Reports>('/regulator-reports'), []);
  const [period, setPeriod] = useState(() => lastMonth(timeZone));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError>();
  const [done, setDone] = useState<string>();

  const generate = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    setDone(undefined);
    setBusy(true);
    try {
      const report = await api.post<Report>('/regulator-reports', { period });
      setDone(report.period);
      await list.reload();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  const reports = list.data ?? [];
  return (
    <>
      <AdminTabs />
      <h2>{t('regulatorReports.heading')}</h2>
      <p className="muted">{t('regulatorReports.explain')}</p>
      <section aria-labelledby="regulator-generate">
        <h3 id="regulator-generate">{t('regulatorReports.generateHeading')}</h3>
        <form className="stack" onSubmit={generate}>
          <label>
            {t('regulatorReports.period')}
            <input
              type="month"
              name="period"
              required
              pattern="\d{4}-\d{2}"
              max={lastMonth(timeZone)}
              value={period}
              onChange={(e) => setPeriod(e.target.value)}
            />
          </label>
          <div>
            <button type="submit" className="button" disabled={busy}>
              {busy ? t('regulatorReports.generating') : t('regulatorReports.generate')}
            </button>
          </div>
        </form>
        <ErrorMessage error={failure} />
        {done && (
          <p role="status" className="notice">
            {t('regulatorReports.generated', { period: done })}
          </p>
        )}
      </section>
      <section aria-labelledby="regulator-list">
        <h3 id="regulator-list">{t('regulatorReports.listHeading')}</h3>
        <ErrorMessage error={list.error} />
        {list.data && reports.length === 0 && <p className="muted">{t('regulatorReports.none')}</p>}
        {reports.length > 0 && (
          <div className="table-wrap">
            <table className="cases" data-testid="regulator-reports">
              <thead>
                <tr>
                  <th scope="col">{t('regulatorReports.period')}</th>
                  <th scope="col">{t('regulatorReports.generatedAt')}</th>
                  <th scope="col">{t('regulatorReports.generatedBy')}</th>
                  <th scope="col">{t('regulatorReports.files')}</th>
                </tr>
              </thead>
              <tbody>
                {reports.map((report) => (
                  <tr key={report.period}>
                    <th scope="row">{report.period}</th>
                    <td>{formatDateTime(report.generatedAt, language, timeZone)}</td>
                    <td>{report.generatedBy ?? t('regulatorReports.byJob')}</td>
                    <td>
                      <ReportFile report={report} format="csv" />
                      <ReportFile report={report} format="xlsx" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function ReportFile({ report, format }: { report: Report; format: 'csv' | 'xlsx' }) {
  const { t } = useTranslation(['console', 'common']);
  const sha = format === 'csv' ? report.csvSha256 : report.xlsxSha256;
  const size = format === 'csv' ? report.csvBytes : report.xlsxBytes;
  return (
    <p>
      <a
        href={`/api/v1/regulator-reports/${report.period}/${format}`}
        download
        aria-label={t(format === 'csv' ? 'regulatorReports.downloadCsv' : 'regulatorReports.downloadXlsx', {
          period: report.period,
        })}
      >
        {t(`regulatorReports.${format}`, { size: formatSize(size) })}
      </a>
      <br />
      <small>
        {t('regulatorReports.sha256', { format: format.toUpperCase() })}: <code className="hash">{sha}</code>
      </small>
    </p>
  );
}
