import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey } from '../shared/a11y.ts';
import { ApiError, readAttachments } from '../shared/api.ts';
import { ErrorMessage } from '../shared/components.tsx';
import { describedBy, Field } from '../shared/Field.tsx';
import { formatDateTime, formatSize } from '../shared/format.ts';
import { currentLanguage } from '../shared/i18n.ts';
import type { PortalCaseView, PortalInfo } from '../shared/types.ts';
import { MAX_ATTACHMENT_BYTES } from '../shared/validation.ts';
import { AccessExport } from './AccessExport.tsx';
import { api } from './api.ts';
import { Breakable } from './Breakable.tsx';
import type { Credentials } from './Lookup.tsx';
import { downloadReceipt, printReceipt } from './receipt.ts';
import { VerifyContact } from './VerifyContact.tsx';

/** A folio as its customer sees it: status, the promised date, the conversation, and a reply box. */
export function CaseView({
  info,
  view,
  credentials,
  onChange,
  onBack,
}: {
  info: PortalInfo;
  // `unverified` is answered by the portal API; the shared type predates it.
  view: PortalCaseView & { unverified?: boolean };
  credentials: Credentials;
  onChange: (view: PortalCaseView) => void;
  onBack: () => void;
}) {
  const { t, i18n } = useTranslation(['portal', 'common']);
  const language = currentLanguage(i18n.language);
  const zone = info.provider.timeZone;
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [fileKey, setFileKey] = useState(0);
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<ApiError>();
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);
  // One key per reply being written: a double click or a retry after a timeout sends it once.
  const replyKey = useRef<string | undefined>(undefined);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    setSent(false);
    setFailure(undefined);
    if (!body.trim()) {
      setError(t('case.replyRequired'));
      document.getElementById('reply')?.focus();
      return;
    }
    if (files.length > 5 || files.some((f) => f.size > MAX_ATTACHMENT_BYTES)) {
      setError(t('form.errors.attachments'));
      return;
    }
    setError(undefined);
    setSending(true);
    replyKey.current ??= newIdempotencyKey();
    try {
      const next = await api.post<PortalCaseView>('/portal/replies', {
        ...credentials,
        body: body.trim(),
        attachments: await readAttachments(files),
        idempotencyKey: replyKey.current,
      });
      replyKey.current = undefined;
      setBody('');
      setFiles([]);
      setFileKey((k) => k + 1);
      setSent(true);
      onChange(next);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setSending(false);
    }
  };

  const receipt = (action: () => Promise<void>) => () => {
    setFailure(undefined);
    action().catch((caught: unknown) => {
      if (caught instanceof ApiError) setFailure(caught);
    });
  };

  return (
    <>
      <h1>
        <Breakable text={t('case.heading', { folio: view.folio })} />
      </h1>
      <dl className="summary">
        <div>
          <dt>{t('case.type')}</dt>
          <dd>{t(`common:requestType.${view.requestType}`)}</dd>
        </div>
        <div>
          <dt>{t('case.status')}</dt>
          <dd>
            <span className={`status status--${view.status}`} data-testid="case-status">
              {t(`common:status.${view.status}`)}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('case.createdAt')}</dt>
          <dd>{formatDateTime(view.createdAt, language, zone)}</dd>
        </div>
        <div>
          <dt>{t('case.deadline')}</dt>
          <dd>
            {view.deadline ? formatDateTime(view.deadline.dueAt, language, zone) : t('case.noDeadline')}
          </dd>
        </div>
      </dl>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={receipt(() => printReceipt(credentials, t('created.print')))}
        >
          {t('created.print')}
        </button>
        <button type="button" className="button" onClick={receipt(() => downloadReceipt(credentials))}>
          {t('created.pdf')}
        </button>
      </div>
      {view.unverified && <VerifyContact credentials={credentials} onVerified={onChange} />}
      {view.requestType === 'arco' && !view.unverified && <AccessExport credentials={credentials} />}
      <section aria-labelledby="messages-heading">
        <h2 id="messages-heading">{t('case.messagesHeading')}</h2>
        {view.messages.length === 0 ? (
          <p>{t('case.noMessages')}</p>
        ) : (
          <ol className="messages">
            {view.messages.map((message, i) => (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: portal messages carry no id, and their order never changes.
                key={i}
                className={`message message--${message.kind === 'entrante' ? 'mine' : 'theirs'}`}
              >
                <p className="message__meta">
                  <strong>
                    {message.kind === 'entrante'
                      ? t('case.fromYou')
                      : t('case.fromProvider', { provider: info.provider.name })}
                  </strong>{' '}
                  <time dateTime={message.at}>{formatDateTime(message.at, language, zone)}</time>
                </p>
                <p className="message__body">{message.body}</p>
                {message.attachments.length > 0 && (
                  <ul className="message__files" aria-label={t('case.attachmentsOf')}>
                    {message.attachments.map((file) => (
                      <li key={file.filename}>
                        {file.filename} ({formatSize(file.size)})
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="reply-heading">
        <h2 id="reply-heading">{t('case.replyHeading')}</h2>
        <form className="form" noValidate onSubmit={(event) => void send(event)}>
          <Field id="reply" label={t('case.reply')} error={error} required>
            <textarea
              {...describedBy('reply', { error })}
              required
              rows={4}
              maxLength={5000}
              value={body}
              onChange={(event) => setBody(event.target.value)}
            />
          </Field>
          <Field id="reply-attachments" label={t('form.attachments')} hint={t('form.attachmentsHint')}>
            <input
              {...describedBy('reply-attachments', { hint: true })}
              key={fileKey}
              type="file"
              multiple
              onChange={(event) => setFiles(Array.from(event.target.files ?? []))}
            />
          </Field>
          <ErrorMessage error={failure} />
          <p role="status" className="notice">
            {sent ? t('case.sent') : ''}
          </p>
          <button type="submit" className="button button--primary">
            {sending ? t('case.sending') : t('case.send')}
          </button>
        </form>
      </section>
      <p>
        <button type="button" className="button button--link" onClick={onBack}>
          {t('case.lookupAnother')}
        </button>
      </p>
    </>
  );
}
