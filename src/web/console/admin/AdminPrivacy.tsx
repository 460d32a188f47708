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

type BreachNotice =
  paths['/api/v1/breach-notices']['get']['responses'][200]['content']['application/json'][number];
type Zone = paths['/api/v1/zones']['get']['responses'][200]['content']['application/json'][number];
type Affected = 'todos' | 'zonas' | 'clientes';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Spanish text required, English optional: an empty English field sends none. */
const localized = (es: string, en: string) => ({
  'es-MX': es.trim(),
  ...(en.trim() ? { en: en.trim() } : {}),
});

/** The declaration of a breach of personal data: what happened, for whom, in Spanish and English. */
function DeclareBreach({ zones, onDeclared }: { zones: Zone[]; onDeclared: (notice: BreachNotice) => void }) {
  const { t } = useTranslation('console');
  const [title, setTitle] = useState({ es: '', en: '' });
  const [body, setBody] = useState({ es: '', en: '' });
  const [affected, setAffected] = useState<Affected>('zonas');
  const [zoneIds, setZoneIds] = useState<number[]>([]);
  const [customerIds, setCustomerIds] = useState('');
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const notice = await api.post<BreachNotice>('/breach-notices', {
        title: localized(title.es, title.en),
        body: localized(body.es, body.en),
        affected:
          affected === 'todos'
            ? { kind: 'todos' }
            : affected === 'zonas'
              ? { kind: 'zonas', zoneIds }
              : { kind: 'clientes', customerIds: customerIds.match(UUID) ?? [] },
      });
      setTitle({ es: '', en: '' });
      setBody({ es: '', en: '' });
      onDeclared(notice);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form panel" onSubmit={(event) => void submit(event)} aria-labelledby="breach-heading">
      <h2 id="breach-heading">{t('admin.privacy.breachHeading')}</h2>
      <p className="muted">{t('admin.privacy.breachExplain')}</p>
      <Field id="breach-title-es" label={t('admin.privacy.titleEs')} required>
        <input
          id="breach-title-es"
          required
          maxLength={200}
          value={title.es}
          onChange={(event) => setTitle({ ...title, es: event.target.value })}
        />
      </Field>
      <Field id="breach-body-es" label={t('admin.privacy.bodyEs')} required>
        <textarea
          id="breach-body-es"
          required
          maxLength={3000}
          rows={5}
          value={body.es}
          onChange={(event) => setBody({ ...body, es: event.target.value })}
        />
      </Field>
      <Field id="breach-title-en" label={t('admin.privacy.titleEn')}>
        <input
          id="breach-title-en"
          maxLength={200}
          value={title.en}
          onChange={(event) => setTitle({ ...title, en: event.target.value })}
        />
      </Field>
      <Field id="breach-body-en" label={t('admin.privacy.bodyEn')}>
        <textarea
          id="breach-body-en"
          maxLength={3000}
          rows={5}
          value={body.en}
          onChange={(event) => setBody({ ...body, en: event.target.value })}
        />
      </Field>
      <fieldset className="fieldset">
        <legend>{t('admin.privacy.affected')}</legend>
        {(['todos', 'zonas', 'clientes'] as const).map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="breach-affected"
              value={option}
              checked={affected === option}
              onChange={() => setAffected(option)}
            />{' '}
            {t(`admin.privacy.affectedKind.${option}`)}
          </label>
        ))}
      </fieldset>
      {affected === 'zonas' && (
        <fieldset className="fieldset">
          <legend>{t('admin.privacy.zones')}</legend>
          {zones.map((zone) => (
            <label key={zone.id}>
              <input
                type="checkbox"
                checked={zoneIds.includes(zone.id)}
                onChange={(event) =>
                  setZoneIds(
                    event.target.checked ? [...zoneIds, zone.id] : zoneIds.filter((id) => id !== zone.id),
                  )
                }
              />{' '}
              {zone.name}
            </label>
          ))}
        </fieldset>
      )}
      {affected === 'clientes' && (
        <Field
          id="breach-customers"
          label={t('admin.privacy.customerIds')}
          hint={t('admin.privacy.customerIdsHint')}
        >
          <textarea
            id="breach-customers"
            rows={4}
            aria-describedby="breach-customers-hint"
            value={customerIds}
            onChange={(event) => setCustomerIds(event.target.value)}
          />
        </Field>
      )}
      <ErrorMessage error={failure} />
      <button type="submit" className="button button--primary" disabled={busy}>
        {t('admin.privacy.declare')}
      </button>
    </form>
  );
}

/** A promotional message for the customers whose consent to promotions is in force. */
function SendPromotion({ onSent }: { onSent: (audience: number) => void }) {
  const { t } = useTranslation('console');
  const [text, setText] = useState({ es: '', en: '' });
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const sent = await api.post<{ audience: number }>('/promotions', { text: localized(text.es, text.en) });
      setText({ es: '', en: '' });
      onSent(sent.audience);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form panel" onSubmit={(event) => void submit(event)} aria-labelledby="promo-heading">
      <h2 id="promo-heading">{t('admin.privacy.promoHeading')}</h2>
      <p className="muted">{t('admin.privacy.promoExplain')}</p>
      <Field id="promo-es" label={t('admin.privacy.textEs')} required>
        <textarea
          id="promo-es"
          required
          maxLength={1000}
          rows={3}
          value={text.es}
          onChange={(event) => setText({ ...text, es: event.target.value })}
        />
      </Field>
      <Field id="promo-en" label={t('admin.privacy.textEn')}>
        <textarea
          id="promo-en"
          maxLength={1000}
          rows={3}
          value={text.en}
          onChange={(event) => setText({ ...text, en: event.target.value })}
        />
      </Field>
      <ErrorMessage error={failure} />
      <button type="submit" className="button button--primary" disabled={busy}>
        {t('admin.privacy.sendPromo')}
      </button>
    </form>
  );
}

/** Privacy duties of the provider: notices of a data breach with how far they got, and promotions. */
export function AdminPrivacy() {
  const { t, i18n } = useTranslation('console');
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const [notice, setNotice] = useState('');
  const list = useAsync(() => api.get<BreachNotice[]>('/breach-notices'), []);
  const zones = useAsync(() => api.get<Zone[]>('/zones'), []);

  return (
    <>
      <AdminTabs />
      <p className="notice" role="status">
        {notice}
      </p>
      <DeclareBreach
        zones={zones.data ?? []}
        onDeclared={(declared) => {
          setNotice(t('admin.privacy.declared', { count: declared.affectedCount }));
          void list.reload();
        }}
      />
      <h2>{t('admin.privacy.listHeading')}</h2>
      <ErrorMessage error={list.error ?? zones.error} />
      {list.data?.length === 0 ? (
        <p className="muted">{t('admin.privacy.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="cases" data-testid="breach-notices">
            <thead>
              <tr>
                <th scope="col">{t('admin.privacy.columns.title')}</th>
                <th scope="col">{t('admin.privacy.columns.declaredAt')}</th>
                <th scope="col">{t('admin.privacy.columns.affected')}</th>
                <th scope="col">{t('admin.privacy.columns.queued')}</th>
                <th scope="col">{t('admin.privacy.columns.delivered')}</th>
                <th scope="col">{t('admin.privacy.columns.unreached')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.map((row) => (
                <tr key={row.id}>
                  <th scope="row">{row.title['es-MX']}</th>
                  <td>{formatDateTime(row.createdAt, language, timeZone)}</td>
                  <td>
                    {row.processed < row.affectedCount
                      ? t('admin.privacy.inProgress', { processed: row.processed, count: row.affectedCount })
                      : row.affectedCount}
                  </td>
                  <td>{row.queued}</td>
                  <td>{row.delivered}</td>
                  <td>{row.unreached}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <button type="button" className="button" onClick={() => void list.reload()}>
        {t('admin.privacy.refresh')}
      </button>
      <SendPromotion onSent={(audience) => setNotice(t('admin.privacy.promoSent', { count: audience }))} />
    </>
  );
}
