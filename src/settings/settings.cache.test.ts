import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXAMPLE_PROFILE_PATH } from '../config/env.ts';
import { queryRows } from '../db/database.ts';
import { LiveFeed } from '../live/live.service.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../test/databases.ts';
import { waitUntil } from '../test/wait.ts';
import { SettingsCache, settingsChanged } from './settings.cache.ts';
import { seedSettingsIfEmpty } from './settings.service.ts';

const renameProvider = (name: string) =>
  sql`update provider_settings set settings = jsonb_set(settings, '{provider,name}', to_jsonb(${name}::text)) where id = 1`;

describeEachDatabase('the settings cache', (kind) => {
  let database: TestDatabase;
  const db = () => database.handle.db;
  const nameIn = async (cache: SettingsCache) => (await cache.current(db())).settings.provider.name;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedSettingsIfEmpty(db(), EXAMPLE_PROFILE_PATH);
  });
  afterAll(() => database.dispose());

  it('serves the settings from memory until this process says they changed', async () => {
    const cache = new SettingsCache();
    await db().execute(renameProvider('Primero'));
    settingsChanged();
    expect(await nameIn(cache)).toBe('Primero');
    // Nobody listens for announcements here, so only this process's own word drops the snapshot.
    await db().execute(renameProvider('Segundo'));
    expect(await nameIn(cache)).toBe('Primero');
    settingsChanged();
    expect(await nameIn(cache)).toBe('Segundo');
  });

  it('reads them again once its snapshot is older than the maximum age', async () => {
    const cache = new SettingsCache(0);
    await db().execute(renameProvider('Tercero'));
    expect(await nameIn(cache)).toBe('Tercero');
    await db().execute(renameProvider('Cuarto'));
    expect(await nameIn(cache)).toBe('Cuarto');
  });

  it('drops the snapshot when the database announces a change made through another connection', async () => {
    const live = await LiveFeed.start(database.handle);
    try {
      const cache = new SettingsCache();
      expect(await nameIn(cache)).toBe('Cuarto');
      if (database.url) {
        const other = new pg.Client({ connectionString: database.url });
        await other.connect();
        try {
          await other.query(
            `update provider_settings set settings = jsonb_set(settings, '{provider,name}', '"Quinto"') where id = 1`,
          );
        } finally {
          await other.end();
        }
      } else {
        await database.handle.pglite?.query(
          `update provider_settings set settings = jsonb_set(settings, '{provider,name}', '"Quinto"') where id = 1`,
        );
      }
      await waitUntil(async () => (await nameIn(cache)) === 'Quinto', 5000);
    } finally {
      await live.close();
    }
  });

  it('keeps every area by id and only the active ones by code, for routing', async () => {
    const [area] = await queryRows<{ id: number; code: string }>(
      db(),
      sql`select id, code from areas order by id limit 1`,
    );
    if (!area) throw new Error('the profile seeded no areas');
    await db().execute(sql`update areas set active = false where id = ${area.id}`);
    settingsChanged();
    const snapshot = await new SettingsCache().current(db());
    expect(snapshot.areasById.get(area.id)?.code).toBe(area.code);
    expect(snapshot.activeAreasByCode.has(area.code)).toBe(false);
    await db().execute(sql`update areas set active = true where id = ${area.id}`);
  });
});
