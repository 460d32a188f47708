import { useTranslation } from 'react-i18next';
import { formatDateTime, formatSize } from '../../shared/format.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import type {
  CaseDetail,
  CaseEvent,
  CaseStatus,
  Message,
  Priority,
  RequestType,
  TimelineEntry,
} from '../../shared/types.ts';
import { useSession } from '../session.tsx';
import { WRITABLE_CHANNELS } from './lifecycle.ts';

const atOf = (entry: TimelineEntry) => (entry.type === 'message' ? entry.message.at : entry.event.at);
const openingFirst = (entry: TimelineEntry) =>
  entry.type === 'event' && entry.event.kind === 'created' ? 1 : 0;

// Only these carry a person's words as their reason; the others' reasons are internal codes (routing rules).
const REASONED = new Set(['transferred', 'status_changed', 'delivery_failed']);

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

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
  const { t } = useTranslation(['console', 'common']);
  const { areas, agentName, settings } = useSession();
  const actor = useActorName(kase)(event.actorKind, event.actorAgentId);
  const before = event.before ?? {};
  const after = event.after ?? {};
  const areaName = (id: unknown) => areas.find((a) => a.id === id)?.name ?? String(id ?? '');
  const status = (value: unknown) => t(`common:status.${(text(value) ?? 'nuevo') as CaseStatus}`);
  const deadline = () =>
    t(`flags.${text(after.deadline) === 'primera_respuesta' ? 'primera_respuesta' : 'resolucion'}`);
  let line: string;
  switch (event.kind) {
    case 'created':
      line = t('timeline.event.created', { actor, channel: t(`common:channel.${kase.channel}`) });
      break;
    case 'status_changed':
      line = t('timeline.event.status_changed', {
        actor,
        from: status(before.status),
        to: status(after.status),
      });
      break;
    case 'transferred':
      line = t('timeline.event.transferred', {
        actor,
        from: areaName(before.areaId),
        to: areaName(after.areaId),
      });
      break;
    case 'assigned':
      line = t('timeline.event.assigned', {
        actor,
        agent: agentName(text(after.assigneeId) ?? null) ?? t('timeline.agentUnknown'),
      });
      break;
    case 'priority_changed':
      line = t('timeline.event.priority_changed', {
        actor,
        priority: t(`priority.${(text(after.priority) ?? 'normal') as Priority}`),
      });
      break;
    case 'type_changed':
      line = t('timeline.event.type_changed', {
        actor,
        type: t(`common:requestType.${(text(after.requestType) ?? 'duda') as RequestType}`),
      });
      break;
    case 'deadline_warning':
      line = t('timeline.event.deadline_warning', { deadline: deadline() });
      break;
    case 'deadline_breached':
      line = t('timeline.event.deadline_breached', { deadline: deadline() });
      break;
    case 'delivery_failed':
      line = t('timeline.event.delivery_failed');
      break;
    default:
      line = t('timeline.event.other', { actor, kind: event.kind });
  }
  const cause = text(after.causeCode);
  const causeName = cause ? (settings.causeCodes.find((c) => c.code === cause)?.name ?? cause) : undefined;
  return (
    <>
      <p className="entry__line">{line}</p>
      {causeName && <p className="entry__detail">{t('timeline.cause', { cause: causeName })}</p>}
      {event.reason && REASONED.has(event.kind) && (
        <p className="entry__detail">
          {event.kind === 'status_changed'
            ? t('timeline.noteReason', { reason: event.reason })
            : t('timeline.reason', { reason: event.reason })}
        </p>
      )}
    </>
  );
}

function MessageBlock({ message, kase }: { message: Message; kase: CaseDetail }) {
  const { t } = useTranslation(['console', 'common']);
  const actorName = useActorName(kase);
  const who =
    message.kind === 'entrante' && !message.authorAgentId
      ? actorName('cliente', null)
      : message.authorAgentId
        ? actorName('agente', message.authorAgentId)
        : t('timeline.system');
  const label =
    message.kind === 'nota_interna'
      ? t('timeline.note')
      : message.kind === 'saliente'
        ? t('timeline.outbound')
        : t('timeline.inbound');
  return (
    <>
      <p className="entry__line">
        <strong>{who}</strong> · {label} ·{' '}
        {t('timeline.via', { channel: t(`common:channel.${message.channel}`) })}
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
      {message.attachments.length > 0 && (
        <ul className="entry__files" aria-label={t('timeline.attachments')}>
          {message.attachments.map((file) => (
            <li key={file.sha256}>
              {file.filename} ({formatSize(file.size)})
            </li>
          ))}
        </ul>
      )}
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
