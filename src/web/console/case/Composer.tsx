import { type FormEvent, type KeyboardEvent, type Ref, useImperativeHandle, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, readAttachments } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { fillPlaceholders, formatDateTime, formatPhone } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import type { CaseDetail, CustomerDetail } from '../../shared/types.ts';
import { api } from '../api.ts';
import { cannedTitle, toneOf, useCannedReplies } from '../canned.ts';
import { useSession } from '../session.tsx';
import { type ReplyOption, replyOptions } from './reply-route.ts';

export type ComposerMode = 'saliente' | 'nota_interna';

export interface ComposerHandle {
  focus(mode: ComposerMode): void;
  /** Starts a reply with the given text (the agent reads it over before sending). */
  fill(text: string): void;
}

interface WindowClosed {
  templates?: Array<{ name: string; preview: string }>;
  otherContactPoints?: Array<{ kind: string; address: string }>;
}

/**
 * Replies and internal notes, with canned replies and attachments. A reply goes on the route the agent
 * picks among the customer's contact points (the case's channel by default), under that channel's
 * windows: WhatsApp past 24 hours takes only an approved template, Messenger nothing after 7 days.
 */
export function Composer({
  kase,
  onSent,
  ref,
}: {
  kase: CaseDetail;
  onSent: () => Promise<void>;
  ref: Ref<ComposerHandle>;
}) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const [mode, setMode] = useState<ComposerMode>('saliente');
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [fileKey, setFileKey] = useState(0);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<ApiError>();
  const [empty, setEmpty] = useState(false);
  const [sent, setSent] = useState(false);
  const [windowClosed, setWindowClosed] = useState<WindowClosed>();
  const [template, setTemplate] = useState('');
  const textarea = useRef<HTMLTextAreaElement>(null);
  const customer = useAsync(
    () => api.get<CustomerDetail>(`/customers/${kase.customer.id}`),
    [kase.customer.id, kase.updatedAt],
  );
  // Until the customer's contact points arrive the only route would be "record", and a reply sent then
  // would silently stay in the portal: the route is shown once known, and a reply sent before asks for it.
  const routesKnown = customer.data !== undefined || customer.error !== undefined;
  const options = replyOptions(kase.channel, customer.data?.contactPoints ?? [], kase.claimedContact);
  const [chosen, setChosen] = useState<string>();
  const route: ReplyOption | undefined = options.find((o) => o.value === chosen) ?? options[0];
  const replyVia = route && 'via' in route ? { replyVia: route.via } : {};
  const currentReplyVia = async () => {
    if (routesKnown) return replyVia;
    const fresh = await api.get<CustomerDetail>(`/customers/${kase.customer.id}`);
    const first = replyOptions(kase.channel, fresh.contactPoints, kase.claimedContact)[0];
    return first && 'via' in first ? { replyVia: first.via } : {};
  };

  useImperativeHandle(ref, () => ({
    focus(next) {
      setMode(next);
      textarea.current?.focus();
    },
    fill(text) {
      setMode('saliente');
      setBody(text);
      textarea.current?.focus();
    },
  }));

  const optionLabel = (option: ReplyOption) => {
    if (option.value === 'record' || !option.channel) return t('reply.record');
    const channel = t(`common:channel.${option.channel}`);
    if (!('via' in option)) return t('reply.caseChannel', { channel });
    const { kind, address } = option.via;
    return t('reply.option', { channel, address: kind === 'whatsapp' ? formatPhone(address) : address });
  };

  const canned = useCannedReplies(kase.area.code);
  const applyCanned = (id: string) => {
    const reply = canned.find((c) => c.id === id);
    if (!reply) return;
    const due = kase.deadline?.dueAt;
    const firstName = kase.customer.name?.trim().split(/\s+/)[0];
    setBody(
      fillPlaceholders(reply[toneOf(kase.channel)].es, {
        folio: kase.folio,
        // Like the provider's own templates: the first name, with its leading space ("Hola{nombre}").
        nombre: firstName ? ` ${firstName}` : '',
        plazo: due ? formatDateTime(due, 'es-MX', timeZone) : '',
      }),
    );
    textarea.current?.focus();
  };

  const post = async (payload: object) => {
    setSending(true);
    setFailure(undefined);
    setSent(false);
    try {
      await api.post(`/cases/${encodeURIComponent(kase.folio)}/messages`, payload);
      setBody('');
      setFiles([]);
      setFileKey((k) => k + 1);
      setWindowClosed(undefined);
      setTemplate('');
      setSent(true);
      await onSent();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      if (caught.code === 'channel.window_closed') {
        const problem = caught.problem as WindowClosed;
        setWindowClosed({ templates: problem.templates, otherContactPoints: problem.otherContactPoints });
      } else setFailure(caught);
    } finally {
      setSending(false);
    }
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (sending) return;
    if (!body.trim()) {
      setEmpty(true);
      textarea.current?.focus();
      return;
    }
    setEmpty(false);
    await post({
      kind: mode,
      body: body.trim(),
      attachments: await readAttachments(files),
      ...(mode === 'saliente' ? await currentReplyVia() : {}),
    });
  };

  const sendTemplate = async () => {
    const chosen = windowClosed?.templates?.find((tpl) => tpl.name === template);
    if (!chosen || sending) return;
    await post({ kind: 'saliente', body: chosen.preview, template: { name: chosen.name }, ...replyVia });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    <section className="composer" aria-labelledby="composer-heading">
      <h2 id="composer-heading">{t('composer.heading')}</h2>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <fieldset className="composer__modes">
          <legend className="visually-hidden">{t('composer.mode')}</legend>
          {(['saliente', 'nota_interna'] as const).map((value) => (
            <label key={value} className={`mode${mode === value ? ' mode--active' : ''}`}>
              <input
                type="radio"
                name="composer-mode"
                value={value}
                checked={mode === value}
                onChange={() => setMode(value)}
              />
              {value === 'saliente' ? t('composer.reply') : t('composer.note')}
            </label>
          ))}
        </fieldset>
        {mode === 'saliente' && routesKnown && route && (
          <>
            <div className="composer__row">
              <label htmlFor="reply-via">{t('reply.via')}</label>
              <select
                id="reply-via"
                value={route.value}
                onChange={(event) => {
                  setChosen(event.target.value);
                  setWindowClosed(undefined);
                  setTemplate('');
                }}
              >
                {options.map((option) => (
                  <option key={option.value} value={option.value}>
                    {optionLabel(option)}
                  </option>
                ))}
              </select>
            </div>
            <p className="muted composer__hint" data-testid="reply-hint">
              {route.channel
                ? t(`reply.hint.${route.channel as 'whatsapp' | 'email' | 'facebook'}`)
                : options.length === 1
                  ? t('reply.noWritten')
                  : t('reply.portalOnly')}
            </p>
          </>
        )}
        <div className="composer__row">
          <label htmlFor="canned">{t('composer.canned')}</label>
          <select id="canned" value="" onChange={(event) => applyCanned(event.target.value)}>
            <option value="">{t('composer.cannedNone')}</option>
            {canned.map((reply) => (
              <option key={reply.id} value={reply.id}>
                {cannedTitle(reply, i18n.language)}
              </option>
            ))}
          </select>
        </div>
        <label htmlFor="composer-body" className="visually-hidden">
          {mode === 'saliente' ? t('composer.body') : t('composer.noteBody')}
        </label>
        <textarea
          id="composer-body"
          ref={textarea}
          className={mode === 'nota_interna' ? 'composer__body composer__body--note' : 'composer__body'}
          rows={5}
          value={body}
          placeholder={mode === 'saliente' ? t('composer.body') : t('composer.noteBody')}
          aria-invalid={empty || undefined}
          onChange={(event) => setBody(event.target.value)}
          onKeyDown={onKeyDown}
        />
        {empty && (
          <p className="field__error" role="alert">
            {t('composer.empty')}
          </p>
        )}
        <div className="composer__row">
          <label htmlFor="composer-files">{t('composer.attachments')}</label>
          <input
            id="composer-files"
            key={fileKey}
            type="file"
            multiple
            onChange={(event) => setFiles(Array.from(event.target.files ?? []))}
          />
        </div>
        {windowClosed && (
          <div className="window-closed" role="alert">
            {windowClosed.templates ? (
              <>
                <p>{t('composer.windowClosed.whatsapp')}</p>
                <fieldset className="templates">
                  <legend>{t('composer.windowClosed.template')}</legend>
                  {windowClosed.templates.map((tpl) => (
                    <label key={tpl.name} className="template">
                      <input
                        type="radio"
                        name="template"
                        value={tpl.name}
                        checked={template === tpl.name}
                        onChange={() => setTemplate(tpl.name)}
                      />
                      <span>
                        <strong>{tpl.name}</strong>
                        <br />
                        {tpl.preview}
                      </span>
                    </label>
                  ))}
                </fieldset>
                <button
                  type="button"
                  className="button"
                  disabled={!template}
                  onClick={() => void sendTemplate()}
                >
                  {t('composer.windowClosed.sendTemplate')}
                </button>
              </>
            ) : (
              <>
                <p>{t('composer.windowClosed.messenger')}</p>
                {windowClosed.otherContactPoints?.length ? (
                  <>
                    <p>{t('composer.windowClosed.otherContacts')}</p>
                    <ul>
                      {windowClosed.otherContactPoints.map((point) => (
                        <li key={`${point.kind}:${point.address}`}>
                          {point.kind === 'email' ? point.address : formatPhone(point.address)}
                        </li>
                      ))}
                    </ul>
                  </>
                ) : (
                  <p>{t('composer.windowClosed.noOtherContacts')}</p>
                )}
              </>
            )}
          </div>
        )}
        <ErrorMessage error={failure} />
        <p className="notice" role="status">
          {sent ? t('composer.sent') : ''}
        </p>
        <button type="submit" className="button button--primary">
          {sending
            ? t('composer.sending')
            : mode === 'saliente'
              ? t('composer.send')
              : t('composer.saveNote')}
        </button>
      </form>
    </section>
  );
}
