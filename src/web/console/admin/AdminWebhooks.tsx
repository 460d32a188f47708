import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isOneOf } from '../../../domain/vocabulary.ts';
import { WEBHOOK_EVENT_KINDS } from '../../../webhooks/webhook-kinds.ts';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { Field } from '../../shared/Field.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';
import { useSession } from '../session.tsx';
import { AdminTabs } from './AdminTabs.tsx';

type WebhookList = paths['/api/v1/webhooks']['get']['responses'][200]['content']['application/json'];
type Webhook = WebhookList['items'][number];
type WithSecret = paths['/api/v1/webhooks']['post']['responses'][201]['content']['application/json'];
type Delivery =
  paths['/api/v1/webhooks/{id}/deliveries']['get']['responses'][200]['content']['application/json'][number];
type PingResult =
  paths['/api/v1/webhooks/{id}/test']['post']['responses'][200]['content']['application/json'];

/** A kind's name in the console's language; a kind no longer offered shows as its code. */
function useKindName() {
  const { t } = useTranslation('console');
  return (kind: string) => (isOneOf(WEBHOOK_EVENT_KINDS, kind) ? t(`webhooks.kind.${kind}`) : kind);
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** Checkboxes over the kinds a subscription may choose, each with its name in the console's language. */
function KindPicker({
  id,
  available,
  chosen,
  onChange,
}: {
  id: string;
  available: string[];
  chosen: string[];
  onChange: (kinds: string[]) => void;
}) {
  const { t } = useTranslation('console');
  const kindName = useKindName();
  return (
    <fieldset className="fieldset" id={id}>
      <legend>{t('webhooks.kinds')}</legend>
      {available.map((kind) => (
        <label key={kind}>
          <input
            type="checkbox"
            checked={chosen.includes(kind)}
            onChange={(event) =>
              onChange(event.target.checked ? [...chosen, kind] : chosen.filter((k) => k !== kind))
            }
          />{' '}
          {kindName(kind)} <code>{kind}</code>
        </label>
      ))}
    </fieldset>
  );
}

/** The delivery log of one subscription, newest first. */
function Deliveries({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const { t, i18n } = useTranslation('console');
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const log = useAsync(() => api.get<Delivery[]>(`/webhooks/${webhook.id}/deliveries`), [webhook.id]);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, language, timeZone) : '—');
  return (
    <section className="panel" aria-labelledby="webhook-deliveries-heading">
      <h2 id="webhook-deliveries-heading">{t('webhooks.deliveriesHeading', { url: webhook.url })}</h2>
      <ErrorMessage error={log.error} />
      {log.data?.length === 0 ? (
        <p className="muted">{t('webhooks.deliveriesNone')}</p>
      ) : (
        <div className="table-wrap">
          <table className="cases" data-testid="webhook-deliveries">
            <thead>
              <tr>
                <th scope="col">{t('webhooks.delivery.at')}</th>
                <th scope="col">{t('webhooks.delivery.event')}</th>
                <th scope="col">{t('webhooks.delivery.kind')}</th>
                <th scope="col">{t('webhooks.delivery.status')}</th>
                <th scope="col">{t('webhooks.delivery.attempts')}</th>
                <th scope="col">{t('webhooks.delivery.code')}</th>
                <th scope="col">{t('webhooks.delivery.error')}</th>
                <th scope="col">{t('webhooks.delivery.next')}</th>
              </tr>
            </thead>
            <tbody>
              {log.data?.map((row) => (
                <tr key={row.id}>
                  <td>{when(row.createdAt)}</td>
                  <td>{row.eventId}</td>
                  <td>
                    <code>{row.eventKind}</code>
                  </td>
                  <td>{t(`webhooks.deliveryStatus.${row.status}`)}</td>
                  <td>{row.attempts}</td>
                  <td>{row.lastStatusCode ?? '—'}</td>
                  <td>{row.lastError ?? '—'}</td>
                  <td>{when(row.nextAttemptAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <button type="button" className="button" onClick={() => void log.reload()}>
        {t('admin.privacy.refresh')}
      </button>{' '}
      <button type="button" className="button" onClick={onClose}>
        {t('webhooks.hide')}
      </button>
    </section>
  );
}

/**
 * Outbound webhooks for integrations: the subscriptions with their state, a new one (its secret shown
 * once), the kinds each receives, switching off and on, a test ping and the delivery log. A subscription
 * switched off by failures in a row stays flagged here until an admin switches it back on.
 */
export function AdminWebhooks() {
  const { t, i18n } = useTranslation('console');
  const kindName = useKindName();
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const list = useAsync(() => api.get<WebhookList>('/webhooks'), []);
  const [failure, setFailure] = useState<ApiError>();
  const [notice, setNotice] = useState('');
  const [secret, setSecret] = useState<WithSecret>();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [kinds, setKinds] = useState<string[]>(['created', 'status_changed']);
  const [editing, setEditing] = useState<{ id: string; kinds: string[] }>();
  const [shown, setShown] = useState<Webhook>();
  const [busy, setBusy] = useState(false);

  useLiveEvents((events) => {
    if (events.some((e) => e.kind.startsWith('webhook_subscription_'))) void list.reload();
  });

  const run = async (action: () => Promise<unknown>, message?: string) => {
    if (busy) return false;
    setBusy(true);
    setFailure(undefined);
    setNotice('');
    try {
      await action();
      await list.reload();
      if (message) setNotice(message);
      return true;
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await run(async () => {
      setSecret(
        await api.post<WithSecret>('/webhooks', {
          url: url.trim(),
          description: description.trim(),
          eventKinds: kinds,
        }),
      );
    }, t('webhooks.created'));
    if (ok) {
      setUrl('');
      setDescription('');
    }
  };

  const ping = (webhook: Webhook) =>
    run(async () => {
      const result = await api.post<PingResult>(`/webhooks/${webhook.id}/test`);
      setNotice(
        result.delivered
          ? t('webhooks.pingOk', { status: result.statusCode })
          : t('webhooks.pingFailed', { error: result.error ?? `HTTP ${result.statusCode}` }),
      );
    });

  const rotate = (webhook: Webhook) => {
    if (!window.confirm(t('webhooks.rotateConfirm'))) return;
    void run(async () => {
      setSecret(await api.post<WithSecret>(`/webhooks/${webhook.id}/rotate-secret`));
    });
  };

  const available = list.data?.availableKinds ?? [];
  const disabledByFailures = (list.data?.items ?? []).filter(
    (w) => !w.active && w.disabledAt && w.consecutiveFailures > 0,
  );

  return (
    <>
      <AdminTabs />
      <p className="muted">{t('webhooks.explain')}</p>
      {disabledByFailures.map((w) => (
        <p key={w.id} className="error" role="alert">
          {t('webhooks.disabledNotice', { host: hostOf(w.url), count: w.consecutiveFailures })}
        </p>
      ))}
      <ErrorMessage error={failure ?? list.error} />
      <p className="notice" role="status">
        {notice}
      </p>
      {secret && (
        <section className="panel" aria-labelledby="webhook-secret-heading">
          <h2 id="webhook-secret-heading">{t('webhooks.secretHeading')}</h2>
          <p>{t('webhooks.secretOnce')}</p>
          <p>
            <code data-testid="webhook-secret">{secret.secret}</code>
          </p>
          <button type="button" className="button" onClick={() => setSecret(undefined)}>
            {t('webhooks.secretDismiss')}
          </button>
        </section>
      )}
      {list.data?.items.length === 0 ? (
        <p className="muted">{t('webhooks.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="cases" data-testid="webhooks">
            <thead>
              <tr>
                <th scope="col">{t('webhooks.url')}</th>
                <th scope="col">{t('webhooks.description')}</th>
                <th scope="col">{t('webhooks.kinds')}</th>
                <th scope="col">{t('webhooks.status')}</th>
                <th scope="col">{t('webhooks.failures')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('webhooks.status')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data?.items.map((webhook) => (
                <tr key={webhook.id} className={webhook.active ? undefined : 'row--inactive'}>
                  <th scope="row">
                    <code>{webhook.url}</code>
                  </th>
                  <td>{webhook.description}</td>
                  <td>
                    {editing?.id === webhook.id ? (
                      <form
                        onSubmit={(event) => {
                          event.preventDefault();
                          void run(
                            () => api.patch(`/webhooks/${webhook.id}`, { eventKinds: editing.kinds }),
                            t('webhooks.saved'),
                          ).then((ok) => ok && setEditing(undefined));
                        }}
                      >
                        <KindPicker
                          id={`webhook-kinds-${webhook.id}`}
                          available={available}
                          chosen={editing.kinds}
                          onChange={(next) => setEditing({ id: webhook.id, kinds: next })}
                        />
                        <button
                          type="submit"
                          className="button button--small button--primary"
                          disabled={busy}
                        >
                          {t('webhooks.save')}
                        </button>{' '}
                        <button
                          type="button"
                          className="button button--small"
                          onClick={() => setEditing(undefined)}
                        >
                          {t('webhooks.cancel')}
                        </button>
                      </form>
                    ) : (
                      webhook.eventKinds.map(kindName).join(', ')
                    )}
                  </td>
                  <td>
                    {webhook.active
                      ? t('webhooks.active')
                      : webhook.disabledAt
                        ? t('webhooks.disabledSince', {
                            date: formatDateTime(webhook.disabledAt, language, timeZone),
                          })
                        : t('webhooks.inactive')}
                  </td>
                  <td>{webhook.consecutiveFailures}</td>
                  <td>
                    <button
                      type="button"
                      className="button button--small"
                      disabled={busy}
                      onClick={() =>
                        void run(
                          () => api.patch(`/webhooks/${webhook.id}`, { active: !webhook.active }),
                          t('webhooks.saved'),
                        )
                      }
                    >
                      {webhook.active ? t('webhooks.disable') : t('webhooks.enable')}
                      <span className="visually-hidden"> {webhook.url}</span>
                    </button>{' '}
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => setEditing({ id: webhook.id, kinds: webhook.eventKinds })}
                    >
                      {t('webhooks.edit')}
                      <span className="visually-hidden"> {webhook.url}</span>
                    </button>{' '}
                    <button
                      type="button"
                      className="button button--small"
                      disabled={busy}
                      onClick={() => void ping(webhook)}
                    >
                      {t('webhooks.ping')}
                      <span className="visually-hidden"> {webhook.url}</span>
                    </button>{' '}
                    <button
                      type="button"
                      className="button button--small"
                      disabled={busy}
                      onClick={() => rotate(webhook)}
                    >
                      {t('webhooks.rotate')}
                      <span className="visually-hidden"> {webhook.url}</span>
                    </button>{' '}
                    <button type="button" className="button button--small" onClick={() => setShown(webhook)}>
                      {t('webhooks.deliveries')}
                      <span className="visually-hidden"> {webhook.url}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown && <Deliveries key={shown.id} webhook={shown} onClose={() => setShown(undefined)} />}
      <form
        className="form panel"
        onSubmit={(event) => void create(event)}
        aria-labelledby="new-webhook-heading"
      >
        <h2 id="new-webhook-heading">{t('webhooks.createHeading')}</h2>
        <Field id="webhook-url" label={t('webhooks.url')} required>
          <input
            id="webhook-url"
            type="url"
            required
            maxLength={2000}
            placeholder="https://"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
        </Field>
        <Field id="webhook-description" label={t('webhooks.description')}>
          <input
            id="webhook-description"
            maxLength={200}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </Field>
        <KindPicker id="webhook-new-kinds" available={available} chosen={kinds} onChange={setKinds} />
        <button type="submit" className="button button--primary" disabled={busy || kinds.length === 0}>
          {t('webhooks.create')}
        </button>
      </form>
    </>
  );
}
