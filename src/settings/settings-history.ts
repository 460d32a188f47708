import { desc, eq, lt } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { agents, settingsChanges } from '../db/schema.ts';
import type { Change } from './diff.ts';

export interface SettingsChangeEntry {
  id: number;
  at: Date;
  /** `seed` (first start), `import` (CLI), `api` (console or API), `migration` (a new version's defaults). */
  source: string;
  actor: { id: string; name: string } | null;
  changes: Change[];
}

/**
 * The recorded changes to the settings and areas, newest first, a page at a time: `before` is the id of
 * the last entry already seen.
 */
export async function settingsHistory(
  db: Tx,
  page: { limit: number; before?: number },
): Promise<{ entries: SettingsChangeEntry[]; nextBefore: number | null }> {
  const rows = await db
    .select({
      id: settingsChanges.id,
      at: settingsChanges.createdAt,
      source: settingsChanges.source,
      actorId: settingsChanges.actorAgentId,
      actorName: agents.name,
      diff: settingsChanges.diff,
    })
    .from(settingsChanges)
    .leftJoin(agents, eq(agents.id, settingsChanges.actorAgentId))
    .where(page.before === undefined ? undefined : lt(settingsChanges.id, page.before))
    .orderBy(desc(settingsChanges.id))
    .limit(page.limit + 1);
  const entries = rows.slice(0, page.limit).map((row) => ({
    id: row.id,
    at: row.at,
    source: row.source,
    actor: row.actorId ? { id: row.actorId, name: row.actorName ?? '' } : null,
    changes: row.diff as Change[],
  }));
  return { entries, nextBefore: rows.length > page.limit ? (entries.at(-1)?.id ?? null) : null };
}
