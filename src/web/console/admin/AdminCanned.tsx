import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../shared/Field.tsx';
import { fillPlaceholders } from '../../shared/format.ts';
import { AdminTabs } from './AdminTabs.tsx';
import { bindInput, type Profile, type SettingsPage, useSettingsPage } from './forms/settings.tsx';

type CannedReply = Profile['cannedReplies'][number];

const VARIABLES = ['{folio}', '{nombre}', '{plazo}'];
/** What the preview fills in, as a case would: "Hola{nombre}" reads "Hola Ana". */
const SAMPLE = { folio: 'MON-2026-000123-7', nombre: ' Ana', plazo: '12 de marzo de 2026, 18:00' };
const EVERY_AREA = '';

/**
 * The canned replies agents pick in a case's reply box, per area or for every area: add, edit, remove,
 * with the variables they may use and a preview filled with sample values.
 */
export function AdminCanned() {
  const { t } = useTranslation(['console', 'common']);
  const page = useSettingsPage();
  return (
    <>
      <AdminTabs />
      {page.status}
      {page.profile ? (
        <CannedForm key={page.version} page={page} profile={page.profile} />
      ) : (
        <p>{t('common:loading')}</p>
      )}
    </>
  );
}

const blank = (area: string, taken: readonly CannedReply[]): CannedReply => {
  let n = taken.length + 1;
  while (taken.some((r) => r.id === `respuesta_${n}`)) n += 1;
  return {
    id: `respuesta_${n}`,
    ...(area ? { area } : {}),
    title: { es: '' },
    tu: { es: '' },
    usted: { es: '' },
  };
};

function CannedForm({ page, profile }: { page: SettingsPage; profile: Profile }) {
  const { t } = useTranslation(['console', 'common']);
  const [replies, setReplies] = useState<CannedReply[]>(profile.cannedReplies);
  const [area, setArea] = useState(EVERY_AREA);
  const shown = replies
    .map((reply, index) => ({ reply, index }))
    .filter(({ reply }) => (reply.area ?? '') === area);
  const update = (index: number, next: CannedReply) =>
    setReplies(replies.map((r, i) => (i === index ? next : r)));

  return (
    <form
      className="form"
      onSubmit={page.onSubmit(() => page.save('cannedReplies', replies))}
      aria-labelledby="canned-heading"
    >
      <h2 id="canned-heading">{t('cannedAdmin.heading')}</h2>
      <p className="muted">{t('cannedAdmin.intro')}</p>
      <p className="muted">{t('cannedAdmin.variables', { list: VARIABLES.join(', ') })}</p>
      <Field id="canned-area" label={t('cannedAdmin.area')}>
        <select id="canned-area" value={area} onChange={(event) => setArea(event.target.value)}>
          <option value={EVERY_AREA}>{t('cannedAdmin.everyArea')}</option>
          {profile.areas.map((a) => (
            <option key={a.code} value={a.code}>
              {a.name}
            </option>
          ))}
        </select>
      </Field>
      {shown.length === 0 && <p className="muted">{t('cannedAdmin.none')}</p>}
      {shown.map(({ reply, index }) => (
        <ReplyEditor
          key={index}
          page={page}
          index={index}
          reply={reply}
          areas={profile.areas}
          onChange={(next) => update(index, next)}
          onRemove={() => setReplies(replies.filter((_, i) => i !== index))}
        />
      ))}
      {page.canEdit && (
        <div className="inline-form">
          <button
            type="button"
            className="button"
            onClick={() => setReplies([...replies, blank(area, replies)])}
          >
            {t('cannedAdmin.add')}
          </button>
          <button type="submit" className="button button--primary" disabled={page.busy}>
            {t('cannedAdmin.save')}
          </button>
        </div>
      )}
    </form>
  );
}

function ReplyEditor({
  page,
  index,
  reply,
  areas,
  onChange,
  onRemove,
}: {
  page: SettingsPage;
  index: number;
  reply: CannedReply;
  areas: Profile['areas'];
  onChange: (reply: CannedReply) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation(['console', 'common']);
  const path = `cannedReplies.${index}`;
  const label = reply.title.es || reply.id;
  const text = (
    key: string,
    fieldLabel: string,
    value: string,
    set: (value: string) => void,
    options: { long?: boolean; hint?: string } = {},
  ) => {
    const error = page.errorAt(`${path}.${key}`);
    const bound = bindInput(`${path}.${key}`, error, Boolean(options.hint));
    return (
      <Field id={bound.id} label={fieldLabel} hint={options.hint} error={error}>
        {options.long ? (
          <textarea {...bound} rows={3} value={value} onChange={(event) => set(event.target.value)} />
        ) : (
          <input {...bound} value={value} onChange={(event) => set(event.target.value)} />
        )}
      </Field>
    );
  };
  // An optional English text left empty is no text, not an empty one the profile would refuse.
  const withEn = <T extends { es: string; en?: string }>(value: T, en: string): T => {
    const { en: _old, ...rest } = value;
    return (en ? { ...rest, en } : rest) as T;
  };

  return (
    <fieldset className="fieldset panel" disabled={!page.canEdit} data-testid={`canned-${reply.id}`}>
      <legend>{label}</legend>
      {text('id', t('cannedAdmin.fields.id'), reply.id, (id) => onChange({ ...reply, id }), {
        hint: t('cannedAdmin.idHint'),
      })}
      <Field
        id={bindInput(`${path}.area`, undefined).id}
        label={t('cannedAdmin.area')}
        error={page.errorAt(`${path}.area`)}
      >
        <select
          {...bindInput(`${path}.area`, page.errorAt(`${path}.area`))}
          value={reply.area ?? EVERY_AREA}
          onChange={(event) => {
            const { area: _old, ...rest } = reply;
            onChange(event.target.value ? { ...rest, area: event.target.value } : rest);
          }}
        >
          <option value={EVERY_AREA}>{t('cannedAdmin.everyArea')}</option>
          {areas.map((a) => (
            <option key={a.code} value={a.code}>
              {a.name}
            </option>
          ))}
        </select>
      </Field>
      {text('title.es', t('cannedAdmin.fields.title.es'), reply.title.es, (es) =>
        onChange({ ...reply, title: { ...reply.title, es } }),
      )}
      {text('title.en', t('cannedAdmin.fields.title.en'), reply.title.en ?? '', (en) =>
        onChange({ ...reply, title: withEn(reply.title, en) }),
      )}
      {text(
        'tu.es',
        t('cannedAdmin.fields.tu.es'),
        reply.tu.es,
        (es) => onChange({ ...reply, tu: { ...reply.tu, es } }),
        { long: true },
      )}
      {text(
        'tu.en',
        t('cannedAdmin.fields.tu.en'),
        reply.tu.en ?? '',
        (en) => onChange({ ...reply, tu: withEn(reply.tu, en) }),
        { long: true },
      )}
      {text(
        'usted.es',
        t('cannedAdmin.fields.usted.es'),
        reply.usted.es,
        (es) => onChange({ ...reply, usted: { ...reply.usted, es } }),
        { long: true },
      )}
      {text(
        'usted.en',
        t('cannedAdmin.fields.usted.en'),
        reply.usted.en ?? '',
        (en) => onChange({ ...reply, usted: withEn(reply.usted, en) }),
        {
          long: true,
        },
      )}
      <div className="template-preview" data-testid={`canned-preview-${reply.id}`}>
        <p className="muted">{t('cannedAdmin.preview')}</p>
        <p>
          <strong>{t('cannedAdmin.fields.tu.es')}:</strong> {fillPlaceholders(reply.tu.es, SAMPLE)}
        </p>
        <p>
          <strong>{t('cannedAdmin.fields.usted.es')}:</strong> {fillPlaceholders(reply.usted.es, SAMPLE)}
        </p>
      </div>
      <button type="button" className="button button--small" onClick={onRemove}>
        {t('cannedAdmin.remove')}
        <span className="visually-hidden"> {label}</span>
      </button>
    </fieldset>
  );
}
