import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { Field } from '../../shared/Field.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { AdminTabs } from './AdminTabs.tsx';
import { showValue } from './rules/drafts.ts';

type Preview = paths['/api/v1/settings/preview']['post']['responses'][200]['content']['application/json'];
type History = paths['/api/v1/settings/changes']['get']['responses'][200]['content']['application/json'];
type Change = Preview['changes'][number];

/**
 * The provider's whole profile: download it as YAML, load one (a file or pasted text), see what it would
 * change and only then apply it; and the history of every change to the settings, with its author.
 * Supervisors see the history only.
 */
export function AdminProfile() {
  const { agent } = useSession();
  const [applied, setApplied] = useState(0);
  return (
    <>
      <AdminTabs />
      {agent.role === 'admin' && <ProfileTransfer onApplied={() => setApplied((n) => n + 1)} />}
      <ChangeHistory key={applied} />
    </>
  );
}

function ProfileTransfer({ onApplied }: { onApplied: () => void }) {
  const { t } = useTranslation(['console', 'common']);
  const { reloadDirectory } = useSession();
  const [yaml, setYaml] = useState('');
  const [preview, setPreview] = useState<Preview>();
  const [failure, setFailure] = useState<ApiError>();
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  const attempt = async (action: () => Promise<void>) => {
    setFailure(undefined);
    setNotice('');
    setBusy(true);
    try {
      await action();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  const review = (event: FormEvent) => {
    event.preventDefault();
    setPreview(undefined);
    void attempt(async () => setPreview(await api.post<Preview>('/settings/preview', { yaml })));
  };

  const apply = () =>
    attempt(async () => {
      if (!preview) return;
      const { changes } = await api.put<{ changes: Change[] }>('/settings', preview.profile);
      setPreview(undefined);
      setYaml('');
      setNotice(t('profileAdmin.applied', { count: changes.length }));
      await reloadDirectory();
      onApplied();
    });

  return (
    <section aria-labelledby="transfer-heading">
      <h2 id="transfer-heading">{t('profileAdmin.heading')}</h2>
      <p className="muted">{t('profileAdmin.intro')}</p>
      <p>
        <a className="button" href="/api/v1/settings/export" download>
          {t('profileAdmin.download')}
        </a>
      </p>
      <form className="form panel" onSubmit={review} aria-labelledby="import-heading">
        <h3 id="import-heading">{t('profileAdmin.importHeading')}</h3>
        <Field id="profile-file" label={t('profileAdmin.file')}>
          <input
            id="profile-file"
            type="file"
            accept=".yaml,.yml,.json,application/yaml,application/json,text/yaml"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void file.text().then(setYaml);
            }}
          />
        </Field>
        <Field id="profile-text" label={t('profileAdmin.text')} hint={t('profileAdmin.textHint')} required>
          <textarea
            id="profile-text"
            aria-describedby="profile-text-hint"
            required
            rows={8}
            spellCheck={false}
            value={yaml}
            onChange={(event) => {
              setYaml(event.target.value);
              setPreview(undefined);
            }}
          />
        </Field>
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('profileAdmin.review')}
        </button>
      </form>
      <ErrorMessage error={failure} />
      {failure?.field && failure.code === 'profile.invalid' && (
        <p className="error">{t('profileAdmin.invalidAt', { field: failure.field })}</p>
      )}
      <p className="notice" role="status">
        {notice}
      </p>
      {preview && (
        <section className="panel" aria-labelledby="preview-heading">
          <h3 id="preview-heading">{t('profileAdmin.previewHeading', { count: preview.changes.length })}</h3>
          {preview.changes.length === 0 ? (
            <p className="muted">{t('profileAdmin.noChanges')}</p>
          ) : (
            <>
              <ChangeTable changes={preview.changes} caption={t('profileAdmin.previewCaption')} />
              <button
                type="button"
                className="button button--primary"
                disabled={busy}
                onClick={() => void apply()}
              >
                {t('profileAdmin.apply')}
              </button>
            </>
          )}
        </section>
      )}
    </section>
  );
}

function ChangeTable({ changes, caption }: { changes: Change[]; caption: string }) {
  const { t } = useTranslation('console');
  return (
    <div className="table-wrap">
      <table className="cases">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('profileAdmin.path')}</th>
            <th scope="col">{t('profileAdmin.before')}</th>
            <th scope="col">{t('profileAdmin.after')}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={change.path}>
              <th scope="row">
                <code>{change.path}</code>
              </th>
              <td>
                <code className="change-value">{showValue(change.before) ?? t('profileAdmin.none')}</code>
              </td>
              <td>
                <code className="change-value">{showValue(change.after) ?? t('profileAdmin.none')}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const PAGE = 20;

function ChangeHistory() {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const [pages, setPages] = useState<History[]>([]);
  const first = useAsync(() => api.get<History>('/settings/changes', { limit: PAGE }), []);
  const [failure, setFailure] = useState<ApiError>();
  const loaded = first.data ? [first.data, ...pages] : [];
  const entries = loaded.flatMap((p) => p.entries);
  const next = loaded.at(-1)?.nextBefore ?? null;

  const more = async () => {
    if (next === null) return;
    try {
      const page = await api.get<History>('/settings/changes', { limit: PAGE, before: next });
      setPages([...pages, page]);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    }
  };

  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t('profileAdmin.historyHeading')}</h2>
      <ErrorMessage error={first.error ?? failure} />
      {first.data && entries.length === 0 && <p className="muted">{t('profileAdmin.historyNone')}</p>}
      <ol className="plain-list" data-testid="settings-history">
        {entries.map((entry) => (
          <li key={entry.id} className="panel">
            <h3>
              {t('profileAdmin.entry', {
                when: formatDateTime(entry.at, currentLanguage(i18n.language), timeZone),
                who: entry.actor?.name ?? t(`profileAdmin.source.${sourceKey(entry.source)}`),
              })}
            </h3>
            <ChangeTable changes={entry.changes} caption={t('profileAdmin.historyHeading')} />
          </li>
        ))}
      </ol>
      {next !== null && (
        <button type="button" className="button" onClick={() => void more()}>
          {t('profileAdmin.more')}
        </button>
      )}
    </section>
  );
}

const SOURCES = ['seed', 'import', 'api', 'migration'] as const;
const sourceKey = (source: string) =>
  (SOURCES as readonly string[]).includes(source) ? (source as (typeof SOURCES)[number]) : 'api';
