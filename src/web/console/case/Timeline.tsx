import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../shared/format.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import type { CaseDetail, CaseEvent, Message, TimelineEntry } from '../../shared/types.ts';
import { useSession } from '../session.tsx';
import { AttachmentList } from './Attachments.tsx';
import { WRITABLE_CHANNELS } from './lifecycle.ts';
import { eventSentence, type Translate } from './timeline-sentence.ts';

const atOf = (entry: TimelineEntry) => (entry.type === 'message' ? entry.message.at : entry.event.at);
const openingFirst = (entry: TimelineEntry) =>
  entry.type === 'event' && entry.event.kind === 'created' ? 1 : 0;

function useActorName(kase: CaseDetail) {
  const { t } = useTranslation(['console', 'common']);
  const { agentName } = useSession();
  return (kind: CaseEvent['actorKind'] | 'agente', agentId: string | null) => {
    if (kind === 'agente') return agentName(agentId) ?? t('timeline.agentUnknown');
    if (kind === 'cliente') return kase.customer.name ?? t('timeline.customer');
    if (kind === 'representante') return t('timeline.representative');
    return t('timeline.system');
  };
}

function EventLine({ event, kase }: { event: CaseEvent; kase: CaseDetail }) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { areas, agentName, settings } = useSession();
  const actor = useActorName(kase)(event.actorKind, event.actorAgentId);
  const translate: Translate = (key, values) => String(i18n.t(key, { ns: 'console', ...values } as never));
  const line =
    eventSentence(event, {
      t: translate,
      actor,
      agentName: (id) => (typeof id === 'string' && agentName(id)) || t('timeline.agentUnknown'),
      areaName: (id) => areas.find((a) => a.id === id)?.name ?? String(id ?? ''),
      channel: t(`common:channel.${kase.channel}`),
    }) ?? t('timeline.sentence.other', { actor, kind: event.kind });
  const cause = typeof event.after?.causeCode === 'string' ? event.after.causeCode : undefined;
  const causeName = cause ? (settings.causeCodes.find((c) => c.code === cause)?.name ?? cause) : undefined;
  const reason = event.note;
  return (
    <>
      <p className="entry__line">{line}</p>
      {causeName && <p className="entry__detail">{t('timeline.cause', { cause: causeName })}</p>}
      {reason && (
        <p className="entry__detail">
          {event.kind === 'status_changed'
            ? t('timeline.noteReason', { reason })
            : t('timeline.reason', { reason })}
        </p>
      )}
      {event.noteErased && <p className="entry__detail">{t('timeline.noteErased')}</p>}
    </>
  );
}

function MessageBlock({ message, kase }: { message: Message; kase: CaseDetail }) {
  const { t } = useTranslation(['console', 'common']);
  const actorName = useActorName(kase);
  const note = message.kind === 'nota_interna';
  // What the customer said on a call is entered by the agent: it is still the customer's message. On a
  // case a representative raised, what comes in on its channel is theirs (the customer writes on her own).
  const who =
    message.kind === 'entrante'
      ? actorName(
          kase.raisedBy === 'representante' && message.channel === kase.channel ? 'representante' : 'cliente',
          null,
        )
      : message.authorAgentId
        ? actorName('agente', message.authorAgentId)
        : t('timeline.system');
  const label = note
    ? t('timeline.note')
    : message.kind === 'saliente'
      ? message.authorAgentId
        ? t('timeline.outbound')
        : t('timeline.automatic')
      : t('timeline.inbound');
  return (
    <>
      <p className="entry__line">
        <strong>{who}</strong> · {label}
        {/* A note goes nowhere: only messages travel on a channel. */}
        {!note && <> · {t('timeline.via', { channel: t(`common:channel.${message.channel}`) })}</>}
        {message.kind === 'entrante' && message.authorAgentId && (
          <> · {t('timeline.recordedBy', { agent: actorName('agente', message.authorAgentId) })}</>
        )}
        {message.kind === 'saliente' &&
          message.deliveryStatus &&
          WRITABLE_CHANNELS.includes(message.channel) && (
            <>
              {' · '}
              <span className={`delivery delivery--${message.deliveryStatus}`}>
                {t('timeline.delivery', { status: t(`delivery.${message.deliveryStatus}`) })}
              </span>
            </>
          )}
      </p>
      <p className="entry__body">{message.body}</p>
      {message.deliveryError && <p className="entry__detail error">{message.deliveryError}</p>}
      {message.attachments.length > 0 && <AttachmentList files={message.attachments} />}
    </>
  );
}

/** Messages and events of a case in one column, oldest first: who, when, which channel, delivery state. */
export function Timeline({ kase }: { kase: CaseDetail }) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  // A message's own entry says everything its message_added event would; the case's opening comes
  // before its first message, which carries the same instant.
  const entries = kase.timeline
    .filter((entry) => entry.type === 'message' || entry.event.kind !== 'message_added')
    .sort((a, b) => atOf(a).localeCompare(atOf(b)) || openingFirst(b) - openingFirst(a));
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">{t('case.timeline')}</h2>
      <ol className="timeline" data-testid="timeline">
        {entries.map((entry) => {
          const at = atOf(entry);
          const key = entry.type === 'message' ? `m:${entry.message.id}` : `e:${entry.event.id}`;
          const kind = entry.type === 'message' ? entry.message.kind : `event event--${entry.event.kind}`;
          return (
            <li key={key} className={`entry entry--${kind}`}>
              <time className="entry__time" dateTime={at}>
                {formatDateTime(at, language, timeZone)}
              </time>
              {entry.type === 'message' ? (
                <MessageBlock message={entry.message} kase={kase} />
              ) : (
                <EventLine event={entry.event} kase={kase} />
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
