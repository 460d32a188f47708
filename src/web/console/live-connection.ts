import type { LiveEvent } from '../shared/types.ts';

export type LiveStatus = 'connecting' | 'open' | 'reconnecting';
export type Listener = (event: LiveEvent) => void;

/** A message's event, or nothing when it is not one (a subscriber never sees a malformed event). */
function liveEvent(data: string): LiveEvent | undefined {
  try {
    const event = JSON.parse(data) as Partial<LiveEvent> | null;
    if (typeof event?.id !== 'number' || typeof event.kind !== 'string') return undefined;
    return { id: event.id, kind: event.kind, caseId: event.caseId ?? null, folio: event.folio ?? null };
  } catch {
    return undefined;
  }
}

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
    // Every kind arrives as a plain message, including kinds newer than this console: each subscriber
    // picks the kinds it knows and lets the others pass.
    source.onmessage = (message: MessageEvent<string>) => {
      const event = liveEvent(message.data);
      if (!event) return;
      this.lastEventId = Number(message.lastEventId) || event.id;
      for (const listener of this.listeners) listener(event);
    };
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
