import { EventEmitter } from 'node:events';
import { asc, eq, gt } from 'drizzle-orm';
import pg from 'pg';
import type { DatabaseHandle, Db } from '../db/database.ts';
import { cases, events } from '../db/schema.ts';
import { settingsChanged } from '../settings/settings.cache.ts';

export interface LiveEvent {
  id: number;
  kind: string;
  caseId: string | null;
  folio: string | null;
}

const CHANNEL = 'atiende_events';
const SETTINGS_CHANNEL = 'atiende_settings';

/**
 * Relays the database's event announcements (NOTIFY on every appended event) to this process's
 * subscribers, and drops the cached settings when they change: a dedicated client on PostgreSQL,
 * PGlite's own listen() on the embedded database.
 * A dropped PostgreSQL connection is re-established; consoles replay what they missed by event id.
 */
export class LiveFeed {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private closed = false;
  // Folios never change, and a case's events come in runs: each is looked up once for every console.
  private readonly folios = new Map<string, string>();
  private emitting = Promise.resolve();

  private constructor(private readonly database: DatabaseHandle) {
    this.emitter.setMaxListeners(0);
  }

  static async start(database: DatabaseHandle): Promise<LiveFeed> {
    const feed = new LiveFeed(database);
    await feed.connect();
    return feed;
  }

  /** Emits an announced event with its case's folio, in the order announced; nothing when nobody listens. */
  private announce(payload: string | undefined) {
    if (!payload || this.emitter.listenerCount('event') === 0) return;
    const event = JSON.parse(payload) as Omit<LiveEvent, 'folio'>;
    this.emitting = this.emitting
      .then(async () => {
        this.emitter.emit('event', { ...event, folio: await this.folioOf(event.caseId) });
      })
      .catch(() => {
        this.emitter.emit('event', { ...event, folio: null });
      });
  }

  private async folioOf(caseId: string | null): Promise<string | null> {
    if (!caseId) return null;
    const known = this.folios.get(caseId);
    if (known) return known;
    const [row] = await this.database.db
      .select({ folio: cases.folio })
      .from(cases)
      .where(eq(cases.id, caseId));
    if (!row) return null;
    if (this.folios.size >= 10_000) this.folios.delete(this.folios.keys().next().value as string);
    this.folios.set(caseId, row.folio);
    return row.folio;
  }

  private async connect(): Promise<void> {
    const announce = (payload: string | undefined) => this.announce(payload);
    if (this.database.pglite) {
      const unlistenEvents = await this.database.pglite.listen(CHANNEL, announce);
      const unlistenSettings = await this.database.pglite.listen(SETTINGS_CHANNEL, settingsChanged);
      this.unlisten = async () => {
        await unlistenEvents();
        await unlistenSettings();
      };
      return;
    }
    const options = this.database.pool?.options as { connectionString?: string };
    const client = new pg.Client({
      connectionString: options.connectionString,
      application_name: 'atiende-live',
    });
    client.on('notification', (message) => {
      if (message.channel === SETTINGS_CHANNEL) settingsChanged();
      else announce(message.payload);
    });
    // A dropped connection reports both `error` and `end`: it is replaced once.
    let lost = false;
    const replace = () => {
      if (lost) return;
      lost = true;
      this.reconnect();
    };
    client.on('error', replace);
    client.on('end', replace);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}; LISTEN ${SETTINGS_CHANNEL}`);
    } catch (error) {
      // The caller decides what a failed attempt means (start-up fails, a reconnection tries again).
      lost = true;
      await client.end().catch(() => {});
      throw error;
    }
    // Changes made while the connection was down were not heard.
    settingsChanged();
    this.client = client;
  }

  private reconnect() {
    if (this.closed) return;
    this.client = undefined;
    setTimeout(() => {
      this.connect().catch(() => this.reconnect());
    }, 1000).unref();
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.unlisten?.();
    await this.client?.end().catch(() => {});
  }
}

/** Events after the given id (what a reconnecting console missed), oldest first, with their folios. */
export async function eventsSince(db: Db, afterId: number, limit = 500): Promise<LiveEvent[]> {
  const rows = await db
    .select({ id: events.id, kind: events.kind, caseId: events.caseId, folio: cases.folio })
    .from(events)
    .leftJoin(cases, eq(cases.id, events.caseId))
    .where(gt(events.id, afterId))
    .orderBy(asc(events.id))
    .limit(limit);
  return rows;
}
