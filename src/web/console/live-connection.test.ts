import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveEvent } from '../shared/types.ts';
import { LiveConnection, type LiveStatus } from './live-connection.ts';

/** Stands in for the browser's EventSource: records URLs and lets the test play the server. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static opened: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((message: MessageEvent<string>) => void) | null = null;
  private readonly listeners = new Map<string, (message: MessageEvent<string>) => void>();

  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(kind: string, listener: (message: MessageEvent<string>) => void) {
    this.listeners.set(kind, listener);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }
  /** Sends an event as the server does: a plain message, the kind in its data. */
  emit(event: LiveEvent) {
    this.send(JSON.stringify(event), String(event.id));
  }
  send(data: string, lastEventId = '') {
    const message = { data, lastEventId } as MessageEvent<string>;
    this.onmessage?.(message);
  }
  /** Whether anything listens for a named event (the server names none). */
  listensForNames() {
    return this.listeners.size > 0;
  }
  fail(closed: boolean) {
    if (closed) this.readyState = FakeEventSource.CLOSED;
    this.onerror?.();
  }
}

describe('the live connection', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeEventSource.opened = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('hands named events to subscribers and reports its state', () => {
    const statuses: LiveStatus[] = [];
    const connection = new LiveConnection('/api/v1/live', (s) => statuses.push(s));
    const received: LiveEvent[] = [];
    connection.subscribe((event) => received.push(event));
    connection.open();
    const source = FakeEventSource.opened[0];
    source?.open();
    source?.emit({ id: 7, kind: 'created', caseId: 'c1', folio: 'MON-2026-000001-5' });
    expect(received).toEqual([{ id: 7, kind: 'created', caseId: 'c1', folio: 'MON-2026-000001-5' }]);
    expect(statuses).toEqual(['open']);
    expect(source?.url).toBe('/api/v1/live');
  });

  it('hands on every kind, even one it has never heard of, and drops what is not an event', () => {
    const connection = new LiveConnection('/api/v1/live', () => {});
    const received: LiveEvent[] = [];
    connection.subscribe((event) => received.push(event));
    connection.open();
    const source = FakeEventSource.opened[0];
    source?.open();
    source?.emit({ id: 8, kind: 'a_kind_from_the_future', caseId: null, folio: null });
    source?.send('not json', '9');
    source?.send(JSON.stringify({ hello: 'world' }), '10');
    source?.emit({ id: 11, kind: 'assigned', caseId: 'c1', folio: 'MON-2026-000001-5' });
    expect(received.map((e) => [e.id, e.kind])).toEqual([
      [8, 'a_kind_from_the_future'],
      [11, 'assigned'],
    ]);
    expect(source?.listensForNames()).toBe(false);
  });

  it('leaves a passing drop to the browser, which resends Last-Event-ID by itself', () => {
    const connection = new LiveConnection('/api/v1/live', () => {});
    connection.open();
    FakeEventSource.opened[0]?.fail(false);
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.opened).toHaveLength(1);
  });

  it('reopens a stream closed for good, asking the server to replay from the last event seen', () => {
    const statuses: LiveStatus[] = [];
    const connection = new LiveConnection('/api/v1/live', (s) => statuses.push(s));
    connection.open();
    const first = FakeEventSource.opened[0];
    first?.open();
    first?.emit({ id: 41, kind: 'message_added', caseId: 'c1', folio: 'MON-2026-000001-5' });
    first?.fail(true);
    expect(statuses.at(-1)).toBe('reconnecting');
    vi.advanceTimersByTime(1_000);
    expect(FakeEventSource.opened.map((s) => s.url)).toEqual(['/api/v1/live', '/api/v1/live?lastEventId=41']);
  });

  it('stops for good when closed', () => {
    const connection = new LiveConnection('/api/v1/live', () => {});
    connection.open();
    connection.close();
    FakeEventSource.opened[0]?.fail(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.opened).toHaveLength(1);
  });
});
