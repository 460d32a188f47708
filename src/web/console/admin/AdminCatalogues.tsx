import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../shared/Field.tsx';
import { REQUEST_TYPES, type RequestType } from '../../shared/types.ts';
import { AdminTabs } from './AdminTabs.tsx';
import { bindInput, inputId, type Profile, type SettingsPage, useSettingsPage } from './forms/settings.tsx';

type CauseCode = Profile['causeCodes'][number];
type Subtype = Profile['requestSubtypes'][number];
/** A row as edited: a code already saved is not renamed (cases and policies refer to it), only a new one is typed. */
type Row<T> = T & { saved: boolean };

const CODE_PATTERN = '[a-z][a-z0-9_]*';

/** The cause codes a resolution records and the subtypes that narrow each request type. */
export function AdminCatalogues() {
  const { t } = useTranslation(['console', 'common']);
  const page = useSettingsPage();
  return (
    <>
      <AdminTabs />
      <h2>{t('serviceAdmin.catalogues.heading')}</h2>
      {page.status}
      {page.profile ? (
        <>
          <CauseCodesForm key={`causes-${page.version}`} page={page} causes={page.profile.causeCodes} />
          <SubtypesForm
            key={`subtypes-${page.version}`}
            page={page}
            subtypes={page.profile.requestSubtypes}
          />
        </>
      ) : (
        <p>{t('common:loading')}</p>
      )}
    </>
  );
}

function CauseCodesForm({ page, causes }: { page: SettingsPage; causes: CauseCode[] }) {
  const { t } = useTranslation(['console', 'common']);
  const [rows, setRows] = useState<Row<CauseCode>[]>(() => causes.map((c) => ({ ...c, saved: true })));
  const change = (index: number, next: Partial<CauseCode>) =>
    setRows((all) => all.map((row, i) => (i === index ? { ...row, ...next } : row)));
  const submit = () =>
    page.save(
      'causeCodes',
      rows.map(({ code, name }) => ({ code: code.trim(), name: name.trim() })),
      rows.length === 0 ? [{ path: 'causeCodes', message: t('serviceAdmin.catalogues.needsCause') }] : [],
    );
  const listError = page.errorAt('causeCodes', true);
  return (
    <form className="form" onSubmit={page.onSubmit(submit)} aria-labelledby="causes-heading">
      <h3 id="causes-heading">{t('serviceAdmin.catalogues.causes')}</h3>
      <p className="muted">{t('serviceAdmin.catalogues.causesIntro')}</p>
      {listError && (
        <p className="field__error" id={inputId('causeCodes')}>
          {listError}
        </p>
      )}
      <fieldset className="fieldset" disabled={!page.canEdit}>
        <legend>{t('serviceAdmin.catalogues.causes')}</legend>
        {rows.map((row, i) => (
          <CodeNameRow
            // biome-ignore lint/suspicious/noArrayIndexKey: a new row has no code yet.
            key={i}
            path={`causeCodes.${i}`}
            row={row}
            page={page}
            onChange={(next) => change(i, next)}
            onRemove={() => setRows((all) => all.filter((_, k) => k !== i))}
          />
        ))}
        <button
          type="button"
          className="button button--small"
          onClick={() => setRows((all) => [...all, { code: '', name: '', saved: false }])}
        >
          {t('serviceAdmin.catalogues.addCause')}
        </button>
      </fieldset>
      {page.canEdit && (
        <button type="submit" className="button button--primary" disabled={page.busy}>
          {t('serviceAdmin.catalogues.saveCauses')}
        </button>
      )}
    </form>
  );
}

function SubtypesForm({ page, subtypes }: { page: SettingsPage; subtypes: Subtype[] }) {
  const { t } = useTranslation(['console', 'common']);
  const [rows, setRows] = useState<Row<Subtype>[]>(() => subtypes.map((s) => ({ ...s, saved: true })));
  const change = (index: number, next: Partial<Subtype>) =>
    setRows((all) => all.map((row, i) => (i === index ? { ...row, ...next } : row)));
  const submit = () =>
    page.save(
      'requestSubtypes',
      rows.map(({ type, code, name }) => ({ type, code: code.trim(), name: name.trim() })),
    );
  return (
    <form className="form" onSubmit={page.onSubmit(submit)} aria-labelledby="subtypes-heading">
      <h3 id="subtypes-heading">{t('serviceAdmin.catalogues.subtypes')}</h3>
      <p className="muted">{t('serviceAdmin.catalogues.subtypesIntro')}</p>
      <fieldset className="fieldset" disabled={!page.canEdit}>
        <legend>{t('serviceAdmin.catalogues.subtypes')}</legend>
        {rows.map((row, i) => {
          const typePath = `requestSubtypes.${i}.type`;
          return (
            <CodeNameRow
              // biome-ignore lint/suspicious/noArrayIndexKey: a new row has no code yet.
              key={i}
              path={`requestSubtypes.${i}`}
              row={row}
              page={page}
              onChange={(next) => change(i, next)}
              onRemove={() => setRows((all) => all.filter((_, k) => k !== i))}
            >
              <Field id={bindInput(typePath, undefined).id} label={t('serviceAdmin.catalogues.type')}>
                <select
                  {...bindInput(typePath, undefined)}
                  value={row.type}
                  disabled={row.saved}
                  onChange={(event) => change(i, { type: event.target.value as RequestType })}
                >
                  {REQUEST_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {t(`common:requestType.${type}`)}
                    </option>
                  ))}
                </select>
              </Field>
            </CodeNameRow>
          );
        })}
        <button
          type="button"
          className="button button--small"
          onClick={() => setRows((all) => [...all, { type: 'falla', code: '', name: '', saved: false }])}
        >
          {t('serviceAdmin.catalogues.addSubtype')}
        </button>
      </fieldset>
      {page.canEdit && (
        <button type="submit" className="button button--primary" disabled={page.busy}>
          {t('serviceAdmin.catalogues.saveSubtypes')}
        </button>
      )}
    </form>
  );
}

function CodeNameRow({
  path,
  row,
  page,
  onChange,
  onRemove,
  children,
}: {
  path: string;
  row: Row<{ code: string; name: string }>;
  page: SettingsPage;
  onChange: (next: { code?: string; name?: string }) => void;
  onRemove: () => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation(['console', 'common']);
  const codeError = page.errorAt(`${path}.code`);
  const nameError = page.errorAt(`${path}.name`);
  return (
    <div className="inline-form">
      {children}
      <Field
        id={bindInput(`${path}.code`, codeError).id}
        label={t('serviceAdmin.catalogues.code')}
        error={codeError}
        required
      >
        <input
          {...bindInput(`${path}.code`, codeError)}
          required
          pattern={CODE_PATTERN}
          maxLength={60}
          readOnly={row.saved}
          value={row.code}
          onChange={(event) => onChange({ code: event.target.value })}
        />
      </Field>
      <Field
        id={bindInput(`${path}.name`, nameError).id}
        label={t('serviceAdmin.catalogues.name')}
        error={nameError}
        required
      >
        <input
          {...bindInput(`${path}.name`, nameError)}
          required
          maxLength={120}
          value={row.name}
          onChange={(event) => onChange({ name: event.target.value })}
        />
      </Field>
      <button type="button" className="button button--small" onClick={onRemove}>
        {t('serviceAdmin.remove')}
        <span className="visually-hidden"> {row.name || row.code}</span>
      </button>
    </div>
  );
}
