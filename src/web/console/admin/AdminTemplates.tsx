import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_NOTICE_TEXTS,
  placeholdersOf,
  renderTemplate,
  TEMPLATE_PARAMETERS,
  type TemplateParameter,
} from '../../../channels/templates.ts';
import { Field } from '../../shared/Field.tsx';
import { AdminTabs } from './AdminTabs.tsx';
import {
  bindInput,
  inputId,
  type PathError,
  type Profile,
  type SettingsPage,
  useSettingsPage,
} from './forms/settings.tsx';
import { sampleValues } from './forms/template-samples.ts';

type WhatsappTemplate = Profile['whatsappTemplates'][number];
type TextRow = { key: string; es: string; en: string; saved: boolean };
type WhatsappRow = Omit<WhatsappTemplate, 'parameters'> & { parameters: string };
type NoticeRow = { notice: string; template: string };

const KNOWN = new Set<string>(TEMPLATE_PARAMETERS);
const CODE = /^[a-z][a-z0-9_]*$/;
const unknownIn = (text: string) => placeholdersOf(text).filter((name) => !KNOWN.has(name));

/**
 * The texts Atiende sends (acknowledgements, status notices…) in Spanish and English with a live preview
 * filled with sample values, the WhatsApp templates Meta approved, and which of them carries each notice
 * outside the 24-hour window.
 */
export function AdminTemplates() {
  const { t } = useTranslation(['console', 'common']);
  const page = useSettingsPage();
  const profile = page.profile;
  return (
    <>
      <AdminTabs />
      <h2>{t('serviceAdmin.templates.heading')}</h2>
      <p className="muted">
        {t('serviceAdmin.templates.intro', {
          placeholders: TEMPLATE_PARAMETERS.map((p) => `{${p}}`).join(' '),
        })}
      </p>
      {page.status}
      {profile ? (
        <>
          <TextsForm key={`texts-${page.version}`} page={page} profile={profile} />
          <WhatsappForm key={`wa-${page.version}`} page={page} profile={profile} />
          <NoticesForm key={`notices-${page.version}`} page={page} profile={profile} />
        </>
      ) : (
        <p>{t('common:loading')}</p>
      )}
    </>
  );
}

function TextsForm({ page, profile }: { page: SettingsPage; profile: Profile }) {
  const { t } = useTranslation(['console', 'common']);
  const samples = sampleValues(profile.provider);
  const [rows, setRows] = useState<TextRow[]>(() =>
    Object.entries(profile.templates)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, texts]) => ({ key, es: texts['es-MX'], en: texts.en ?? '', saved: true })),
  );
  const [shown, setShown] = useState<string>();
  const change = (index: number, next: Partial<TextRow>) =>
    setRows((all) => all.map((row, i) => (i === index ? { ...row, ...next } : row)));
  const defaultsLeft = Object.keys(DEFAULT_NOTICE_TEXTS).filter(
    (key) => !rows.some((row) => row.key === key),
  );

  const submit = () => {
    const problems: PathError[] = [];
    const value: Record<string, { 'es-MX': string; en?: string }> = {};
    rows.forEach((row, i) => {
      const key = row.key.trim();
      if (!CODE.test(key) || key in value) {
        problems.push({ path: `templates.new${i}`, message: t('serviceAdmin.templates.keyInvalid') });
      }
      for (const [language, text] of [
        ['es-MX', row.es],
        ['en', row.en],
      ] as const) {
        const unknown = unknownIn(text);
        if (unknown.length > 0) {
          problems.push({
            path: `templates.${key}.${language}`,
            message: t('serviceAdmin.templates.unknownPlaceholder', {
              names: unknown.map((n) => `{${n}}`).join(', '),
            }),
          });
        }
      }
      if (!row.es.trim()) {
        problems.push({
          path: `templates.${key}.es-MX`,
          message: t('serviceAdmin.templates.spanishRequired'),
        });
      }
      value[key] = { 'es-MX': row.es, ...(row.en.trim() ? { en: row.en } : {}) };
    });
    return page.save('templates', value, problems);
  };

  return (
    <form className="form" onSubmit={page.onSubmit(submit)} aria-labelledby="texts-heading">
      <h3 id="texts-heading">{t('serviceAdmin.templates.texts')}</h3>
      {rows.map((row, i) => {
        const path = `templates.${row.key}`;
        const keyError = page.errorAt(`templates.new${i}`);
        const open = shown === row.key || !row.saved || Boolean(page.errorAt(path));
        return (
          <fieldset
            // biome-ignore lint/suspicious/noArrayIndexKey: a new text has no key until it is typed.
            key={i}
            className="fieldset"
            disabled={!page.canEdit}
            data-testid={`template-${row.key}`}
          >
            <legend>
              <code>{row.key || t('serviceAdmin.templates.newKey')}</code>
            </legend>
            {!row.saved && (
              <Field
                id={inputId(`templates.new${i}`)}
                label={t('serviceAdmin.templates.key')}
                hint={t('serviceAdmin.templates.keyHint')}
                error={keyError}
                required
              >
                <input
                  {...bindInput(`templates.new${i}`, keyError, true)}
                  required
                  maxLength={80}
                  value={row.key}
                  onChange={(event) => change(i, { key: event.target.value })}
                />
              </Field>
            )}
            {open ? (
              <>
                <TextWithPreview
                  path={`${path}.es-MX`}
                  label={t('serviceAdmin.templates.spanish', { key: row.key })}
                  value={row.es}
                  required
                  samples={samples}
                  page={page}
                  onChange={(es) => change(i, { es })}
                />
                <TextWithPreview
                  path={`${path}.en`}
                  label={t('serviceAdmin.templates.english', { key: row.key })}
                  value={row.en}
                  samples={samples}
                  page={page}
                  onChange={(en) => change(i, { en })}
                />
              </>
            ) : (
              <p className="template-summary">{renderTemplate(row.es, samples)}</p>
            )}
            <div className="inline-form">
              {!open && (
                <button type="button" className="button button--small" onClick={() => setShown(row.key)}>
                  {t('serviceAdmin.templates.edit')}
                  <span className="visually-hidden"> {row.key}</span>
                </button>
              )}
              <button
                type="button"
                className="button button--small"
                onClick={() => setRows((all) => all.filter((_, k) => k !== i))}
              >
                {t('serviceAdmin.remove')}
                <span className="visually-hidden"> {row.key}</span>
              </button>
            </div>
          </fieldset>
        );
      })}
      {page.canEdit && (
        <>
          <button
            type="button"
            className="button button--small"
            onClick={() => setRows((all) => [...all, { key: '', es: '', en: '', saved: false }])}
          >
            {t('serviceAdmin.templates.add')}
          </button>
          {defaultsLeft.length > 0 && (
            <section aria-labelledby="defaults-heading">
              <h4 id="defaults-heading">{t('serviceAdmin.templates.defaults')}</h4>
              <p className="muted">{t('serviceAdmin.templates.defaultsIntro')}</p>
              <ul className="plain-list">
                {defaultsLeft.map((key) => (
                  <li key={key}>
                    <code>{key}</code>{' '}
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => {
                        setRows((all) => [
                          ...all,
                          { key, es: DEFAULT_NOTICE_TEXTS[key] ?? '', en: '', saved: true },
                        ]);
                        setShown(key);
                      }}
                    >
                      {t('serviceAdmin.templates.customize')}
                      <span className="visually-hidden"> {key}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <button type="submit" className="button button--primary" disabled={page.busy}>
            {t('serviceAdmin.templates.saveTexts')}
          </button>
        </>
      )}
    </form>
  );
}

/** A text and, under it, how a customer reads it with the sample values filled in. */
function TextWithPreview({
  path,
  label,
  value,
  required = false,
  samples,
  page,
  onChange,
}: {
  path: string;
  label: string;
  value: string;
  required?: boolean;
  samples: Record<TemplateParameter, string>;
  page: SettingsPage;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation('console');
  const error = page.errorAt(path);
  const unknown = unknownIn(value);
  const id = inputId(path);
  return (
    <>
      <Field id={id} label={label} error={error} required={required}>
        <textarea
          {...bindInput(path, error)}
          rows={3}
          required={required}
          maxLength={4000}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      </Field>
      {value.trim() && (
        <div className="template-preview" data-testid={`preview-${id}`}>
          <p className="muted">{t('serviceAdmin.templates.preview')}</p>
          <p>{renderTemplate(value, samples)}</p>
          {unknown.length > 0 && (
            <p className="field__error">
              {t('serviceAdmin.templates.unknownPlaceholder', {
                names: unknown.map((n) => `{${n}}`).join(', '),
              })}
            </p>
          )}
        </div>
      )}
    </>
  );
}

/** `{{n}}` filled with the sample value of the n-th parameter, as Meta substitutes them. */
const fillNumbered = (preview: string, parameters: string[], samples: Record<string, string>) =>
  preview.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => {
    const name = parameters[Number(n) - 1];
    return name ? (samples[name] ?? `{${name}}`).trim() : whole;
  });

const parametersOf = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((p) => p.replace(/[{}]/g, '').trim())
    .filter(Boolean);

function WhatsappForm({ page, profile }: { page: SettingsPage; profile: Profile }) {
  const { t } = useTranslation(['console', 'common']);
  const samples = sampleValues(profile.provider);
  const [rows, setRows] = useState<WhatsappRow[]>(() =>
    profile.whatsappTemplates.map((w) => ({ ...w, parameters: w.parameters.join(', ') })),
  );
  const change = (index: number, next: Partial<WhatsappRow>) =>
    setRows((all) => all.map((row, i) => (i === index ? { ...row, ...next } : row)));

  const submit = () => {
    const problems: PathError[] = [];
    const value = rows.map((row, i) => {
      const parameters = parametersOf(row.parameters);
      const unknown = parameters.filter((p) => !KNOWN.has(p));
      if (unknown.length > 0) {
        problems.push({
          path: `whatsappTemplates.${i}.parameters`,
          message: t('serviceAdmin.templates.unknownParameter', { names: unknown.join(', ') }),
        });
      }
      return { name: row.name.trim(), language: row.language.trim(), parameters, preview: row.preview };
    });
    return page.save('whatsappTemplates', value, problems);
  };

  return (
    <form className="form" onSubmit={page.onSubmit(submit)} aria-labelledby="wa-heading">
      <h3 id="wa-heading">{t('serviceAdmin.templates.whatsapp')}</h3>
      <p className="muted">{t('serviceAdmin.templates.whatsappIntro', { example: '{{1}}' })}</p>
      {rows.map((row, i) => {
        const path = `whatsappTemplates.${i}`;
        const nameError = page.errorAt(`${path}.name`);
        const languageError = page.errorAt(`${path}.language`);
        const parametersError = page.errorAt(`${path}.parameters`);
        const previewError = page.errorAt(`${path}.preview`);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a new template has no name until it is typed.
          <fieldset key={i} className="fieldset" disabled={!page.canEdit}>
            <legend>
              <code>{row.name || t('serviceAdmin.templates.newKey')}</code>
            </legend>
            <div className="inline-form">
              <Field
                id={inputId(`${path}.name`)}
                label={t('serviceAdmin.templates.name')}
                error={nameError}
                required
              >
                <input
                  {...bindInput(`${path}.name`, nameError)}
                  required
                  pattern="[a-z0-9_]+"
                  maxLength={512}
                  value={row.name}
                  onChange={(event) => change(i, { name: event.target.value })}
                />
              </Field>
              <Field
                id={inputId(`${path}.language`)}
                label={t('serviceAdmin.templates.language')}
                error={languageError}
                required
              >
                <input
                  {...bindInput(`${path}.language`, languageError)}
                  required
                  maxLength={10}
                  value={row.language}
                  onChange={(event) => change(i, { language: event.target.value })}
                />
              </Field>
            </div>
            <Field
              id={inputId(`${path}.parameters`)}
              label={t('serviceAdmin.templates.parameters')}
              hint={t('serviceAdmin.templates.parametersHint')}
              error={parametersError}
            >
              <input
                {...bindInput(`${path}.parameters`, parametersError, true)}
                value={row.parameters}
                onChange={(event) => change(i, { parameters: event.target.value })}
              />
            </Field>
            <Field
              id={inputId(`${path}.preview`)}
              label={t('serviceAdmin.templates.body')}
              error={previewError}
              required
            >
              <textarea
                {...bindInput(`${path}.preview`, previewError)}
                required
                rows={3}
                maxLength={1024}
                value={row.preview}
                onChange={(event) => change(i, { preview: event.target.value })}
              />
            </Field>
            <div className="template-preview">
              <p className="muted">{t('serviceAdmin.templates.preview')}</p>
              <p>{fillNumbered(row.preview, parametersOf(row.parameters), samples)}</p>
            </div>
            <button
              type="button"
              className="button button--small"
              onClick={() => setRows((all) => all.filter((_, k) => k !== i))}
            >
              {t('serviceAdmin.remove')}
              <span className="visually-hidden"> {row.name}</span>
            </button>
          </fieldset>
        );
      })}
      {page.canEdit && (
        <>
          <button
            type="button"
            className="button button--small"
            onClick={() =>
              setRows((all) => [...all, { name: '', language: 'es_MX', parameters: 'folio', preview: '' }])
            }
          >
            {t('serviceAdmin.templates.addWhatsapp')}
          </button>
          <button type="submit" className="button button--primary" disabled={page.busy}>
            {t('serviceAdmin.templates.saveWhatsapp')}
          </button>
        </>
      )}
    </form>
  );
}

function NoticesForm({ page, profile }: { page: SettingsPage; profile: Profile }) {
  const { t } = useTranslation(['console', 'common']);
  const [rows, setRows] = useState<NoticeRow[]>(() =>
    Object.entries(profile.notices.whatsappTemplates).map(([notice, template]) => ({ notice, template })),
  );
  const names = profile.whatsappTemplates.map((w) => w.name);
  const change = (index: number, next: Partial<NoticeRow>) =>
    setRows((all) => all.map((row, i) => (i === index ? { ...row, ...next } : row)));
  const submit = () => {
    const problems: PathError[] = [];
    const mapping: Record<string, string> = {};
    rows.forEach((row, i) => {
      const notice = row.notice.trim();
      if (!CODE.test(notice) || notice in mapping) {
        problems.push({ path: `notices.new${i}`, message: t('serviceAdmin.templates.keyInvalid') });
      }
      mapping[notice] = row.template;
    });
    return page.save('notices', { ...profile.notices, whatsappTemplates: mapping }, problems);
  };
  return (
    <form className="form" onSubmit={page.onSubmit(submit)} aria-labelledby="notices-heading">
      <h3 id="notices-heading">{t('serviceAdmin.templates.notices')}</h3>
      <p className="muted">{t('serviceAdmin.templates.noticesIntro')}</p>
      <fieldset className="fieldset" disabled={!page.canEdit}>
        <legend>{t('serviceAdmin.templates.notices')}</legend>
        {rows.map((row, i) => {
          const keyError = page.errorAt(`notices.new${i}`);
          const templateError = page.errorAt(`notices.whatsappTemplates.${row.notice}`);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a new mapping has no notice until it is typed.
            <div key={i} className="inline-form">
              <Field
                id={inputId(`notices.new${i}`)}
                label={t('serviceAdmin.templates.notice')}
                error={keyError}
                required
              >
                <input
                  {...bindInput(`notices.new${i}`, keyError)}
                  required
                  maxLength={80}
                  value={row.notice}
                  onChange={(event) => change(i, { notice: event.target.value })}
                />
              </Field>
              <Field
                id={inputId(`notices.whatsappTemplates.${row.notice}`)}
                label={t('serviceAdmin.templates.carriedBy')}
                error={templateError}
              >
                <select
                  {...bindInput(`notices.whatsappTemplates.${row.notice}`, templateError)}
                  value={row.template}
                  onChange={(event) => change(i, { template: event.target.value })}
                >
                  {!names.includes(row.template) && <option value={row.template}>{row.template}</option>}
                  {names.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              </Field>
              <button
                type="button"
                className="button button--small"
                onClick={() => setRows((all) => all.filter((_, k) => k !== i))}
              >
                {t('serviceAdmin.remove')}
                <span className="visually-hidden"> {row.notice}</span>
              </button>
            </div>
          );
        })}
        {names.length > 0 && (
          <button
            type="button"
            className="button button--small"
            onClick={() => setRows((all) => [...all, { notice: '', template: names[0] ?? '' }])}
          >
            {t('serviceAdmin.templates.addNotice')}
          </button>
        )}
      </fieldset>
      {page.canEdit && (
        <button type="submit" className="button button--primary" disabled={page.busy}>
          {t('serviceAdmin.templates.saveNotices')}
        </button>
      )}
    </form>
  );
}
