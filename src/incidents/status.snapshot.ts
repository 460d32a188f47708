import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, or } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { incidents, incidentUpdates, incidentZones, zones } from '../db/schema.ts';
import type { StatusResponse } from './incidents.schema.ts';
import { renderStatusPage } from './status-page.ts';
import { zonesWithin } from './zones.ts';

/** How long a restored incident stays on the status page, so customers see that service came back. */
export const RESTORED_SHOWN_MS = 24 * 60 * 60 * 1000;
/** Updates shown per incident: the story so far, short enough for a phone. */
const UPDATES_SHOWN = 5;
/**
 * How long a snapshot is served without hearing of a change: restored incidents leave the page as time
 * passes, zones may be renamed, and an announcement may be lost while the listening connection is down.
 */
const MAX_AGE_MS = 60_000;

const ANNOUNCED_KINDS: ReadonlySet<string> = new Set(['incident_declared', 'incident_updated']);

// Bumped on every change to incidents this process makes or hears of, as for the settings cache.
let generation = 0;

/** Drops every status snapshot in this process. Call after committing a change to an incident. */
export function incidentsChanged(): void {
  generation += 1;
}

export interface BuiltStatus {
  json: string;
  jsonEtag: string;
  html: string;
  htmlEtag: string;
  /** What the page says, without when it was built: equal content keeps its ETag across rebuilds. */
  content: string;
}

type Deps = Pick<AppContext, 'db' | 'clock' | 'settings'>;

const etagOf = (text: string) => `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;

/** The public view of incidents in force, zone by zone: no agent, no customer, no case counts. */
export async function loadStatus(deps: Deps, now: Date): Promise<StatusResponse> {
  const shown = await deps.db
    .select()
    .from(incidents)
    .where(
      or(
        inArray(incidents.status, ['abierto', 'en_reparacion']),
        and(
          eq(incidents.status, 'restablecido'),
          gte(incidents.restoredAt, new Date(now.getTime() - RESTORED_SHOWN_MS)),
        ),
      ),
    )
    .orderBy(desc(incidents.startedAt), desc(incidents.number));
  const ids = shown.map((i) => i.id);
  const [declared, updates, zoneRows] = await Promise.all([
    ids.length === 0
      ? []
      : deps.db.select().from(incidentZones).where(inArray(incidentZones.incidentId, ids)),
    ids.length === 0
      ? []
      : deps.db
          .select()
          .from(incidentUpdates)
          .where(inArray(incidentUpdates.incidentId, ids))
          .orderBy(desc(incidentUpdates.createdAt), desc(incidentUpdates.id)),
    ids.length === 0 ? [] : deps.db.select().from(zones).orderBy(asc(zones.name)),
  ]);
  const zoneById = new Map(zoneRows.map((z) => [z.id, z]));
  const zoneIds = [...new Set(declared.map((d) => d.zoneId))];
  const includes = new Map<number, string[]>();
  for (const id of zoneIds) {
    const within = await zonesWithin(deps.db, [id]);
    includes.set(
      id,
      within
        .filter((z) => z !== id)
        .map((z) => zoneById.get(z)?.name ?? '')
        .sort((a, b) => a.localeCompare(b, 'es')),
    );
  }
  const present = (incident: (typeof shown)[number]) => ({
    number: incident.number,
    status: incident.status,
    cause: incident.cause,
    publicText: incident.publicText,
    startedAt: incident.startedAt.toISOString(),
    eta: incident.eta?.toISOString() ?? null,
    restoredAt: incident.restoredAt?.toISOString() ?? null,
    updatedAt: incident.updatedAt.toISOString(),
    updates: updates
      .filter((u) => u.incidentId === incident.id)
      .slice(0, UPDATES_SHOWN)
      .map((u) => ({
        at: u.createdAt.toISOString(),
        status: u.status,
        text: u.publicText,
        eta: u.eta?.toISOString() ?? null,
      })),
  });
  return {
    generatedAt: now.toISOString(),
    zones: zoneIds
      .flatMap((id) => {
        const zone = zoneById.get(id);
        return zone ? [zone] : [];
      })
      .sort((a, b) => a.name.localeCompare(b.name, 'es'))
      .map((zone) => ({
        code: zone.code,
        name: zone.name,
        includes: includes.get(zone.id) ?? [],
        incidents: shown
          .filter((i) => declared.some((d) => d.incidentId === i.id && d.zoneId === zone.id))
          .map(present),
      })),
  };
}

/**
 * The status page and its JSON, built once and kept in memory for every request of a crowd checking
 * whether their outage is known: rebuilt after a change this process makes, on another process's
 * announcement of an incident event (the live feed), or after {@link MAX_AGE_MS}. Concurrent requests
 * for a stale snapshot share one rebuild.
 */
export class StatusSnapshot {
  private built: { value: BuiltStatus; generation: number; loadedAt: number } | undefined;
  private loading: { generation: number; promise: Promise<BuiltStatus> } | undefined;

  constructor(private readonly deps: Deps) {}

  async current(): Promise<BuiltStatus> {
    const cached = this.built;
    // Real elapsed time, not the application's clock: a test moving time must not expire it.
    if (cached && cached.generation === generation && Date.now() - cached.loadedAt < MAX_AGE_MS) {
      return cached.value;
    }
    // A rebuild started before the latest change may have read the old rows: that one is not shared.
    if (this.loading?.generation !== generation) {
      const loading = {
        generation,
        promise: this.rebuild().finally(() => {
          if (this.loading === loading) this.loading = undefined;
        }),
      };
      this.loading = loading;
    }
    return this.loading.promise;
  }

  private async rebuild(): Promise<BuiltStatus> {
    const started = { generation, loadedAt: Date.now() };
    const status = await loadStatus(this.deps, this.deps.clock.now());
    const { settings } = await this.deps.settings.current(this.deps.db);
    const content = JSON.stringify(status.zones);
    const previous = this.built?.value;
    const value =
      previous && previous.content === content
        ? previous
        : (() => {
            const json = JSON.stringify(status);
            const html = renderStatusPage(status, settings.provider);
            return { json, jsonEtag: etagOf(json), html, htmlEtag: etagOf(html), content };
          })();
    // A change heard while loading may not be in what was read: keep it only if none came.
    if (started.generation === generation) this.built = { value, ...started };
    return value;
  }
}

const snapshots = new WeakMap<AppContext, StatusSnapshot>();

/** This application's snapshot, listening for other processes' incident events on first use. */
export function statusSnapshotOf(ctx: AppContext): StatusSnapshot {
  let snapshot = snapshots.get(ctx);
  if (!snapshot) {
    snapshot = new StatusSnapshot(ctx);
    ctx.live.subscribe((event) => {
      if (ANNOUNCED_KINDS.has(event.kind)) incidentsChanged();
    });
    snapshots.set(ctx, snapshot);
  }
  return snapshot;
}

/** Whether the request's If-None-Match names this ETag (weak or strong, as browsers and proxies send it). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
