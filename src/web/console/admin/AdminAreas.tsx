import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { Field } from '../../shared/Field.tsx';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { AdminTabs } from './AdminTabs.tsx';
import { AreaSettings } from './forms/AreaSettings.tsx';

/**
 * The areas cases are routed to: list, (de)activate, create; each one's supervisors and calendar. Routing
 * rules live in the provider profile.
 */
export function AdminAreas() {
  const { t } = useTranslation(['console', 'common']);
  const { areas, reloadDirectory } = useSession();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [failure, setFailure] = useState<ApiError>();
  const [notice, setNotice] = useState('');
  // Creating or (de)activating an area changes the profile's list: the calendars below start again from it.
  const [directoryVersion, setDirectoryVersion] = useState(0);

  const run = async (action: () => Promise<unknown>, message: string) => {
    setFailure(undefined);
    setNotice('');
    try {
      await action();
      await reloadDirectory();
      setDirectoryVersion((v) => v + 1);
      setNotice(message);
      return true;
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
      return false;
    }
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await run(
      () => api.post('/areas', { code: code.trim(), name: name.trim() }),
      t('admin.areas.created'),
    );
    if (ok) {
      setCode('');
      setName('');
    }
  };

  return (
    <>
      <AdminTabs />
      <ErrorMessage error={failure} />
      <p className="notice" role="status">
        {notice}
      </p>
      <div className="table-wrap">
        <table className="cases">
          <thead>
            <tr>
              <th scope="col">{t('admin.areas.name')}</th>
              <th scope="col">{t('admin.areas.code')}</th>
              <th scope="col">{t('admin.areas.active')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.areas.active')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {areas.map((area) => (
              <tr key={area.id} className={area.active ? undefined : 'row--inactive'}>
                <th scope="row">{area.name}</th>
                <td>
                  <code>{area.code}</code>
                </td>
                <td>{area.active ? t('admin.agents.yes') : t('admin.agents.no')}</td>
                <td>
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() =>
                      void run(
                        () => api.patch(`/areas/${area.id}`, { active: !area.active }),
                        t('admin.agents.saved'),
                      )
                    }
                  >
                    {area.active ? t('admin.areas.deactivate') : t('admin.areas.reactivate')}
                    <span className="visually-hidden"> {area.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        className="form panel"
        onSubmit={(event) => void create(event)}
        aria-labelledby="new-area-heading"
      >
        <h2 id="new-area-heading">{t('admin.areas.createHeading')}</h2>
        <Field id="area-code" label={t('admin.areas.code')} hint={t('admin.areas.codeHint')} required>
          <input
            id="area-code"
            required
            pattern="[a-z][a-z0-9_]*"
            aria-describedby="area-code-hint"
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        </Field>
        <Field id="area-name" label={t('admin.areas.name')} required>
          <input id="area-name" required value={name} onChange={(event) => setName(event.target.value)} />
        </Field>
        <button type="submit" className="button button--primary">
          {t('admin.areas.create')}
        </button>
      </form>
      <AreaSettings key={directoryVersion} />
    </>
  );
}
