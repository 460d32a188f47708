import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgent } from '../agents/agents.service.ts';
import { startAtiende } from '../app.ts';
import { systemActor } from '../auth/system-rules.ts';
import { openDatabase } from '../db/database.ts';
import { agents, settingsChanges } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { TEST_ADMIN, testConfig } from '../test/app.ts';
import { restoreEmbedded } from './backup.service.ts';

const silent = pino({ level: 'silent' });

describe('the embedded database across restarts, backup and restore [pglite on disk]', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'atiende-restart-'));
  const dataDir = path.join(root, 'data');
  const config = testConfig({ ATIENDE_DATA_DIR: dataDir });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps everything after a stop and a start on the same data folder, without seeding twice', async () => {
    const first = await startAtiende(config, { logger: silent, work: false });
    await createAgent(
      first.ctx.db,
      {
        email: 'lucia@monet.mx',
        name: 'Lucía',
        password: 'a long enough password',
      },
      systemActor('datos_de_demostracion'),
    );
    await first.close();

    const second = await startAtiende(config, { logger: silent, work: false });
    try {
      const [lucia] = await second.ctx.db.select().from(agents).where(eq(agents.email, 'lucia@monet.mx'));
      expect(lucia?.name).toBe('Lucía');
      const seeds = await second.ctx.db
        .select()
        .from(settingsChanges)
        .where(eq(settingsChanges.source, 'seed'));
      expect(seeds).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('refuses a second process on the same folder, naming the holder', async () => {
    const running = await startAtiende(config, { logger: silent, work: false });
    try {
      const attempt = openDatabase({ kind: 'pglite', dataDir }, 'atiende create-agent');
      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(attempt).rejects.toMatchObject({
        code: 'database.in_use',
        detail: expect.stringContaining(`process ${process.pid}`),
      });
    } finally {
      await running.close();
    }
  });

  it('backs up through the admin API while running, and restores into a new folder with the same data', async () => {
    const running = await startAtiende(config, { logger: silent, work: false });
    let archive: Buffer;
    try {
      const login = await running.http.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: TEST_ADMIN,
      });
      const cookie = login.cookies.find((c) => c.name === 'atiende_session');
      const response = await running.http.inject({
        method: 'POST',
        url: '/api/v1/admin/backup',
        headers: { cookie: `atiende_session=${cookie?.value}`, 'x-csrf-token': login.json().csrfToken },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/gzip');
      archive = response.rawPayload;
    } finally {
      await running.close();
    }
    const archivePath = path.join(root, 'backup.tar.gz');
    writeFileSync(archivePath, archive);
    const restoredDir = path.join(root, 'restored');
    await restoreEmbedded(archivePath, restoredDir);

    const restored = await startAtiende(testConfig({ ATIENDE_DATA_DIR: restoredDir }), {
      logger: silent,
      work: false,
    });
    try {
      const emails = (await restored.ctx.db.select().from(agents)).map((a) => a.email).sort();
      expect(emails).toEqual([TEST_ADMIN.email, 'lucia@monet.mx']);
    } finally {
      await restored.close();
    }
    await expect(restoreEmbedded(archivePath, restoredDir)).rejects.toMatchObject({
      code: 'restore.target_exists',
    });
  });
});
