import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/database.ts';

// `union` (not `union all`) drops rows already reached, so a parent loop written by mistake ends the
// recursion instead of running forever.

/** The given zones and every zone below them, at any depth: what an incident declared on them covers. */
export async function zonesWithin(tx: Tx, zoneIds: readonly number[]): Promise<number[]> {
  if (zoneIds.length === 0) return [];
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`with recursive covered(id) as (
          select id from zones where id in ${zoneIds}
          union
          select z.id from zones z join covered c on z.parent_id = c.id
        )
        select id from covered order by id`,
  );
  return rows.map((r) => Number(r.id));
}

/** The zone and every zone above it: an incident declared on any of them covers this zone. */
export async function zoneAndAncestors(tx: Tx, zoneId: number): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`with recursive above(id, parent_id) as (
          select id, parent_id from zones where id = ${zoneId}
          union
          select z.id, z.parent_id from zones z join above a on z.id = a.parent_id
        )
        select id from above order by id`,
  );
  return rows.map((r) => Number(r.id));
}
