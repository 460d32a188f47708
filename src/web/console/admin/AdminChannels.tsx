import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { useAsync } from '../../shared/hooks.ts';
import type { ComponentHealth, Health } from '../../shared/types.ts';
import { api } from '../api.ts';
import { AdminTabs } from './AdminTabs.tsx';

const isHealth = (body: object): body is Health => 'channels' in body && 'database' in body && 'jobs' in body;

const KNOWN_CHANNELS = ['whatsapp', 'facebook', 'email'] as const;

/** Whether each channel, the database and the job queue work, as `GET /health` reports them. */
export function AdminChannels() {
  const { t } = useTranslation(['console', 'common']);
  // A degraded system answers 503 with the same body; the problem document then carries it.
  const health = useAsync(
    () =>
      api.get<Health>('/health').catch((error: unknown) => {
        if (error instanceof ApiError && isHealth(error.problem)) return error.problem;
        throw error;
      }),
    [],
  );
  const name = (key: string) =>
    (KNOWN_CHANNELS as readonly string[]).includes(key)
      ? t(`admin.channels.names.${key as (typeof KNOWN_CHANNELS)[number]}`)
      : key;
  const rows: Array<[string, ComponentHealth]> = health.data
    ? [
        [t('admin.channels.database'), health.data.database],
        [t('admin.channels.jobs'), health.data.jobs],
        ...Object.entries(health.data.channels).map(([key, value]): [string, ComponentHealth] => [
          name(key),
          value,
        ]),
      ]
    : [];
  return (
    <>
      <AdminTabs />
      <ErrorMessage error={health.error} />
      <button type="button" className="button button--small" onClick={() => void health.reload()}>
        {t('admin.channels.refresh')}
      </button>
      <div className="table-wrap">
        <table className="cases">
          <thead>
            <tr>
              <th scope="col">{t('admin.channels.channel')}</th>
              <th scope="col">{t('admin.channels.status')}</th>
              <th scope="col">{t('admin.channels.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>
                  <span className={`health health--${value.status}`}>
                    {t(`admin.channels.${value.status}`)}
                  </span>
                </td>
                <td>{value.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
