import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { prepareDatabase } from '../app.ts';
import { queryRows } from '../db/database.ts';
import { currentProfile } from '../settings/settings.service.ts';
import { startTestApp, TEST_ADMIN, type TestApp, testConfig } from '../test/app.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../test/databases.ts';
import { defaultRights } from './rights-settings.ts';

describeEachDatabase('the rights settings of a database stored before them', (kind) => {
  let database: TestDatabase;
  const config = testConfig();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await prepareDatabase(database.handle, config);
  });
  afterAll(() => database.dispose());

  it('get the defaults on the next start, recorded once', async () => {
    await database.handle.db.execute(
      sql`update provider_settings set settings = settings - 'rights' where id = 1`,
    );
    const first = await prepareDatabase(database.handle, config);
    expect(first.settings.changes).toEqual([{ path: 'rights', after: defaultRights() }]);
    expect((await currentProfile(database.handle.db)).rights).toEqual(defaultRights());

    const second = await prepareDatabase(database.handle, config);
    expect(second.settings).toEqual({ changes: [] });
    const recorded = await queryRows<{ diff: unknown }>(
      database.handle.db,
      sql`select diff from settings_changes where source = 'migration'`,
    );
    expect(recorded).toHaveLength(1);
  });

  it('get a setting added to the section later, keeping the ones changed', async () => {
    await database.handle.db.execute(
      sql`update provider_settings
        set settings = jsonb_set(settings #- '{rights,cancellation}', '{rights,refund,bonusPercent}', '30')
        where id = 1`,
    );
    const result = await prepareDatabase(database.handle, config);
    expect(result.settings.changes).toEqual([
      { path: 'rights.cancellation', after: defaultRights().cancellation },
    ]);
    const { rights } = await currentProfile(database.handle.db);
    expect(rights.refund.bonusPercent).toBe(30);
    expect(rights.cancellation.addOnCalendarDays).toBe(5);
  });
});

describeEachDatabase('changing the rights section', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
  });
  afterAll(() => app?.close());

  it('takes a partial section from an admin, filling the rest with the defaults', async () => {
    const session = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const response = await session.request('PATCH', '/api/v1/settings/rights', {
      compensation: { bonusPercent: 25, forceMajeureThresholdHours: 72 },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().rights).toEqual({
      ...defaultRights(),
      compensation: { ...defaultRights().compensation, bonusPercent: 25, forceMajeureThresholdHours: 72 },
    });
    expect((await session.request('GET', '/api/v1/settings')).json().rights.compensation.bonusPercent).toBe(
      25,
    );
  });

  it('refuses a bonus below 20 % naming its path, changing nothing', async () => {
    const session = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const before = (await session.request('GET', '/api/v1/settings')).json();
    const response = await session.request('PATCH', '/api/v1/settings/rights', {
      compensation: { bonusPercent: 19 },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'profile.invalid',
      field: 'rights.compensation.bonusPercent',
    });
    expect((await session.request('GET', '/api/v1/settings')).json()).toEqual(before);
  });

  it('is an admin decision, not a supervisor one', async () => {
    const supervisor = await app.sessionAs('supervisor');
    expect((await supervisor.request('PATCH', '/api/v1/settings/rights', {})).statusCode).toBe(403);
  });
});
