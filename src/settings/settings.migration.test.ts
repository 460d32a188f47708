import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { prepareDatabase } from '../app.ts';
import { DEFAULT_CLASSIFICATION_RULES } from '../cases/classification.ts';
import { queryRows } from '../db/database.ts';
import { providerSettings } from '../db/schema.ts';
import { testConfig } from '../test/app.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../test/databases.ts';
import { currentProfile } from './settings.service.ts';

const migrationRows = (database: TestDatabase) =>
  queryRows<{ diff: Array<{ path: string; before: unknown; after: unknown }> }>(
    database.handle.db,
    sql`select diff from settings_changes where source = 'migration' order by id`,
  );

describeEachDatabase('the settings migration step', (kind) => {
  let database: TestDatabase;
  const db = () => database.handle.db;
  const config = testConfig();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    // Seeded by today's code, as on a first start.
    expect((await prepareDatabase(database.handle, config)).seeded).toBe(true);
  });
  afterAll(() => database.dispose());

  it('records nothing on the start that seeds', async () => {
    expect(await migrationRows(database)).toEqual([]);
  });

  it('gives settings stored by an older version the defaults of settings added since, once', async () => {
    // An older version knew neither the classification rules, the reopening window nor the notices'
    // settings, and stored a setting this one no longer reads.
    await db().execute(
      sql`update provider_settings
        set settings = (settings - 'classification' - 'notices') #- '{cases,reopenWindowDays}' || '{"legacyFlag": true}'
        where id = 1`,
    );

    const first = await prepareDatabase(database.handle, config);
    expect(first.seeded).toBe(false);
    expect(first.settings.changes.map((c) => c.path)).toEqual([
      'cases.reopenWindowDays',
      'classification',
      'notices',
    ]);
    const profile = await currentProfile(db());
    expect(profile.classification.rules).toEqual(DEFAULT_CLASSIFICATION_RULES);
    expect(profile.cases.reopenWindowDays).toBe(7);
    // The defaults: every written channel in turn, no template mapped.
    expect(profile.notices).toEqual({
      fallbackOrder: ['whatsapp', 'email', 'facebook'],
      whatsappTemplates: {},
    });
    const [row] = await db().select().from(providerSettings).where(eq(providerSettings.id, 1));
    // Kept, so going back to the version that wrote it loses nothing.
    expect(row?.settings).toMatchObject({ legacyFlag: true });
    const recorded = await migrationRows(database);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.diff).toEqual([
      { path: 'cases.reopenWindowDays', after: 7 },
      { path: 'classification', after: { rules: DEFAULT_CLASSIFICATION_RULES } },
      { path: 'notices', after: { fallbackOrder: ['whatsapp', 'email', 'facebook'], whatsappTemplates: {} } },
    ]);

    const second = await prepareDatabase(database.handle, config);
    expect(second.settings).toEqual({ changes: [] });
    expect(await migrationRows(database)).toHaveLength(1);
  });

  it('leaves settings the current schema refuses as they are, and says why', async () => {
    await db().execute(
      sql`update provider_settings
        set settings = jsonb_set(settings - 'classification', '{routingRules,0,area}', '"desaparecida"')
        where id = 1`,
    );
    const result = await prepareDatabase(database.handle, config);
    expect(result.settings.changes).toEqual([]);
    expect(result.settings.invalid).toContain('routingRules.0.area: unknown area desaparecida');
    const [row] = await db().select().from(providerSettings).where(eq(providerSettings.id, 1));
    expect(row?.settings).not.toHaveProperty('classification');
    expect(await migrationRows(database)).toHaveLength(1);
  });
});
