import { eq } from 'drizzle-orm';
import { type Profile, parseProfile, readProfileFile } from '../config/profile.ts';
import type { Db, Tx } from '../db/database.ts';
import { areas, providerSettings, settingsChanges } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { type Change, diffJson } from './diff.ts';
import { settingsChanged } from './settings.cache.ts';

export type ProviderSettings = Omit<Profile, 'areas'>;

/** The provider's current settings, in the shape of a profile file. */
export async function currentProfile(db: Tx): Promise<Profile> {
  const stored = await providerSettingsOf(db);
  const areaRows = await db.select().from(areas).where(eq(areas.active, true)).orderBy(areas.id);
  return {
    ...stored,
    areas: areaRows.map((a) => ({
      code: a.code,
      name: a.name,
      ...(a.calendar ? { calendar: a.calendar as NonNullable<Profile['areas'][number]['calendar']> } : {}),
    })),
  };
}

/** The provider's settings other than areas, as stored (validated when they were applied). */
export async function providerSettingsOf(db: Tx): Promise<ProviderSettings> {
  const [row] = await db.select().from(providerSettings).where(eq(providerSettings.id, 1));
  if (!row)
    throw new AppError('settings.not_seeded', { status: 503, detail: 'The database has no settings yet' });
  return row.settings as ProviderSettings;
}

export async function hasSettings(db: Tx): Promise<boolean> {
  const rows = await db.select({ id: providerSettings.id }).from(providerSettings);
  return rows.length > 0;
}

/**
 * Makes the given profile the provider's settings, in one transaction, and records the difference
 * with who made it. Areas missing from the profile are deactivated, never deleted: cases refer to them.
 */
export async function applyProfile(
  db: Db,
  input: unknown,
  by: { source: 'seed' | 'import' | 'api'; actorAgentId?: string },
): Promise<Change[]> {
  const profile = parseProfile(input);
  const changes = await db.transaction(async (tx) => {
    const before = (await hasSettings(tx)) ? await currentProfile(tx) : {};
    const changes = diffJson(before, profile);
    if (changes.length === 0) return changes;
    const { areas: profileAreas, ...stored } = profile;
    await tx
      .insert(providerSettings)
      .values({ id: 1, settings: stored })
      .onConflictDoUpdate({ target: providerSettings.id, set: { settings: stored, updatedAt: new Date() } });
    const existing = await tx.select().from(areas);
    const wanted = new Set(profileAreas.map((a) => a.code));
    for (const area of profileAreas) {
      await tx
        .insert(areas)
        .values({ code: area.code, name: area.name, calendar: area.calendar ?? null, active: true })
        .onConflictDoUpdate({
          target: areas.code,
          set: { name: area.name, calendar: area.calendar ?? null, active: true },
        });
    }
    for (const area of existing) {
      if (!wanted.has(area.code) && area.active) {
        await tx.update(areas).set({ active: false }).where(eq(areas.id, area.id));
      }
    }
    await tx
      .insert(settingsChanges)
      .values({ source: by.source, actorAgentId: by.actorAgentId, diff: changes });
    return changes;
  });
  if (changes.length > 0) settingsChanged();
  return changes;
}

/** Seeds the settings from the profile file on first start; afterwards the database is the source of truth. */
export async function seedSettingsIfEmpty(db: Db, profilePath: string): Promise<boolean> {
  if (await hasSettings(db)) return false;
  await applyProfile(db, await readProfileFile(profilePath), { source: 'seed' });
  return true;
}
