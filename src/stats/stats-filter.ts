import { eq } from 'drizzle-orm';
import { agentAreaIds } from '../agents/agents.service.ts';
import type { Actor } from '../auth/actor.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { areas } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { zonesWithin } from '../incidents/zones.ts';
import { dayRange } from './periods.ts';
import { type StatsFilterInput, StatsFilterQuery, type StatsFilters } from './stats.schema.ts';

/** A statistics request made safe to run: its range as instants, the areas and zones it may count. */
export interface StatsFilter {
  /** The normalised filters, echoed in every answer. */
  filters: StatsFilters;
  start: Date;
  end: Date;
  /** The areas counted; null: every area (an admin without an area filter, the regulator export). */
  areaIds: number[] | null;
  /** The zone asked and every zone below it; null: no zone filter. */
  zoneIds: number[] | null;
}

/**
 * Normalises a statistics query: defaults, the range checked, the area code resolved and, for a
 * supervisor, the areas restricted to those they supervise (another area's code is a 403). Without an
 * actor (the regulator export) every area counts.
 */
export async function statsFilter(
  deps: Pick<AppContext, 'db' | 'clock' | 'settings'>,
  query: StatsFilterInput,
  actor?: Actor,
): Promise<StatsFilter> {
  const asked = StatsFilterQuery.parse(query);
  const { settings } = await deps.settings.current(deps.db);
  const timeZone = settings.provider.timeZone;
  const range = dayRange(asked, deps.clock.now(), timeZone);
  const supervised = actor?.role === 'supervisor' ? await agentAreaIds(deps.db, actor.agentId) : null;
  let areaIds = supervised;
  if (asked.area !== undefined) {
    const [area] = await deps.db.select({ id: areas.id }).from(areas).where(eq(areas.code, asked.area));
    if (!area)
      throw new AppError('stats.area_unknown', {
        status: 422,
        field: 'querystring.area',
        detail: 'No area has that code',
      });
    if (supervised && !supervised.includes(area.id))
      throw new AppError('stats.area_forbidden', {
        status: 403,
        field: 'querystring.area',
        detail: 'A supervisor sees the statistics of the areas they supervise only',
      });
    areaIds = [area.id];
  }
  const zoneIds = asked.zone === undefined ? null : await zonesWithin(deps.db, [asked.zone]);
  return {
    filters: {
      from: range.from,
      to: range.to,
      period: asked.period,
      timeZone,
      area: asked.area ?? null,
      channel: asked.channel ?? null,
      requestType: asked.requestType ?? null,
      subtype: asked.subtype ?? null,
      zone: asked.zone ?? null,
    },
    start: range.start,
    end: range.end,
    areaIds,
    zoneIds,
  };
}

/** Every area by id with its code and name (deactivated ones too: their cases remain). */
export async function areaNames(deps: { db: Tx }) {
  const rows = await deps.db.select({ id: areas.id, code: areas.code, name: areas.name }).from(areas);
  return new Map(rows.map((r) => [r.id, r]));
}
