import type { LiveEvent } from '../shared/types.ts';

export type LiveStatus = 'connecting' | 'open' | 'reconnecting';
export type Listener = (event: LiveEvent) => void;

// The stream names each message after the event's kind, so each kind needs its own listener.
const KINDS = [
  'created',
  'message_added',
  'status_changed',
  'transferred',
  'assigned',
  'priority_changed',
  'type_changed',
  'customer_merged',
  'customer_changed',
  'representative_added',
  'representative_revoked',
  'deadline_warning',
  'deadline_breached',
  'delivery_failed',
];

const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * One EventSource on `/api/v1/live` for the whole console. While it is open the browser reconnects by
 * itself, resending Last-Event-ID; when the server refuses or the stream closes for good, it is opened
 * again with `?lastEventId=` so the server replays what was missed.
 */
export class LiveConnection {
  private source: EventSource | undefined;
  private lastEventId: number | undefined;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<Listener>();
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly onStatus: (status: LiveStatus) => void,
  ) {}

  open() {
    this.closed = false;
    const url = this.lastEventId === undefined ? this.url : `${this.url}?lastEventId=${this.lastEventId}`;
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    const receive = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as LiveEvent;
      this.lastEventId = Number(message.lastEventId) || event.id;
      for (const listener of this.listeners) listener(event);
    };
    for (const kind of KINDS) source.addEventListener(kind, receive);
    source.onmessage = receive;
    source.onopen = () => {
      this.attempts = 0;
      this.onStatus('open');
    };
    source.onerror = () => {
      this.onStatus('reconnecting');
      if (source.readyState !== EventSource.CLOSED || this.closed) return;
      const delay = RETRY_MS[Math.min(this.attempts, RETRY_MS.length - 1)];
      this.attempts += 1;
      this.timer = setTimeout(() => this.open(), delay);
    };
  }

  subscribe(listener: Listener) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.source?.close();
  }
}
