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

  private constructor(private readonly database: DatabaseHandle) {
    this.emitter.setMaxListeners(0);
  }

  static async start(database: DatabaseHandle): Promise<LiveFeed> {
    const feed = new LiveFeed(database);
    await feed.connect();
    return feed;
  }

  private async connect(): Promise<void> {
    const announce = (payload: string | undefined) => {
      if (payload)
        this.emitter.emit(
          'event',
          JSON.parse(payload) as { id: number; kind: string; caseId: string | null },
        );
    };
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
    client.on('error', () => this.reconnect());
    client.on('end', () => this.reconnect());
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}; LISTEN ${SETTINGS_CHANNEL}`);
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

  subscribe(listener: (event: { id: number; kind: string; caseId: string | null }) => void): () => void {
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
