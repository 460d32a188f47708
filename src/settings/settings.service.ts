import { eq, sql } from 'drizzle-orm';
import { type Profile, ProfileSchema, parseProfile, readProfileFile } from '../config/profile.ts';
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

/** The top-level keys of a profile, each replaceable on its own (`applySection`). */
export const SETTINGS_SECTIONS = Object.keys(ProfileSchema.shape) as [keyof Profile, ...Array<keyof Profile>];
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

type ChangeSource = {
  source: 'seed' | 'import' | 'api';
  actorAgentId?: string;
  /** From the caller's clock; the first-start seed, which has none, takes the database's time. */
  at?: Date;
};

/**
 * Makes the given profile the provider's settings, in one transaction, and records the difference
 * with who made it. Areas missing from the profile are deactivated, never deleted: cases refer to them.
 */
export async function applyProfile(db: Db, input: unknown, by: ChangeSource): Promise<Change[]> {
  const profile = parseProfile(input);
  const changes = await db.transaction(async (tx) => {
    await lockSettings(tx);
    return writeProfile(tx, profile, by);
  });
  if (changes.length > 0) settingsChanged();
  return changes;
}

/**
 * Replaces one top-level section of the settings (e.g. `routingRules`) and answers the resulting
 * profile. The whole result is validated, so a section that breaks another (a routing rule naming an
 * area that is gone) is refused with the full path of the problem, e.g. `routingRules.2.area`. The row
 * is locked meanwhile, so two admins changing different sections at once both keep their change.
 */
export async function applySection(
  db: Db,
  section: SettingsSection,
  value: unknown,
  by: ChangeSource,
): Promise<{ profile: Profile; changes: Change[] }> {
  const result = await db.transaction(async (tx) => {
    await lockSettings(tx);
    const profile = parseProfile({ ...(await currentProfile(tx)), [section]: value });
    const changes = await writeProfile(tx, profile, by);
    return { profile: await currentProfile(tx), changes };
  });
  if (result.changes.length > 0) settingsChanged();
  return result;
}

async function lockSettings(tx: Tx) {
  await tx
    .select({ id: providerSettings.id })
    .from(providerSettings)
    .where(eq(providerSettings.id, 1))
    .for('update');
}

async function writeProfile(tx: Tx, profile: Profile, by: ChangeSource): Promise<Change[]> {
  const before = (await hasSettings(tx)) ? await currentProfile(tx) : {};
  const changes = diffJson(before, profile);
  if (changes.length === 0) return changes;
  const { areas: profileAreas, ...stored } = profile;
  await tx
    .insert(providerSettings)
    .values({ id: 1, settings: stored })
    .onConflictDoUpdate({
      target: providerSettings.id,
      set: { settings: stored, updatedAt: by.at ?? sql`now()` },
    });
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
  await tx.insert(settingsChanges).values({
    source: by.source,
    actorAgentId: by.actorAgentId,
    diff: changes,
    ...(by.at ? { createdAt: by.at } : {}),
  });
  return changes;
}

/**
 * Brings settings stored by an earlier version up to the current profile schema, on every start: a
 * setting added since gets its default, and the difference is recorded in `settings_changes` with
 * source `migration`. Running it again changes nothing. Stored settings the current schema refuses are
 * left exactly as they are and their problems returned, for the log: the server keeps what it ran on
 * yesterday and an admin fixes them through the API or a profile import.
 */
export async function migrateSettings(db: Db): Promise<{ changes: Change[]; invalid?: string }> {
  const result = await db.transaction(async (tx): Promise<{ changes: Change[]; invalid?: string }> => {
    const [row] = await tx.select().from(providerSettings).where(eq(providerSettings.id, 1)).for('update');
    if (!row) return { changes: [] };
    let migrated: ProviderSettings;
    try {
      const { areas: _areas, ...settings } = parseProfile(await currentProfile(tx));
      // Settings this version does not know are kept: going back to the version that wrote them loses nothing.
      migrated = { ...(row.settings as object), ...settings };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { changes: [], invalid: error.detail };
    }
    const changes = diffJson(row.settings, migrated);
    if (changes.length === 0) return { changes };
    await tx
      .update(providerSettings)
      .set({ settings: migrated, updatedAt: sql`now()` })
      .where(eq(providerSettings.id, 1));
    // 'migration' is outside the TypeScript enum of `settings_changes.source` (the column has no check
    // constraint), so this one insert is written in SQL.
    await tx.execute(
      sql`insert into settings_changes (source, diff) values ('migration', ${JSON.stringify(changes)}::jsonb)`,
    );
    return { changes };
  });
  if (result.changes.length > 0) settingsChanged();
  return result;
}

/** Seeds the settings from the profile file on first start; afterwards the database is the source of truth. */
export async function seedSettingsIfEmpty(db: Db, profilePath: string): Promise<boolean> {
  if (await hasSettings(db)) return false;
  await applyProfile(db, await readProfileFile(profilePath), { source: 'seed' });
  return true;
}
