import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from './auth/secrets.ts';
import { type DatabaseTarget, openDatabase } from './db/database.ts';
import { agents, sessions } from './db/schema.ts';
import { createPostgresDatabase, describePostgres, dropPostgresDatabase } from './test/databases.ts';

const BIN = path.resolve('bin/atiende.mjs');

/**
 * Gives the agent a session, runs `reset-password` through `run`, and checks what it printed and left in
 * the database: a temporary password that works, a change forced at the next login, no sessions.
 */
async function checkResetPassword(
  target: DatabaseTarget,
  email: string,
  run: (...args: string[]) => { code: number | null; out: string; err: string },
) {
  const withDb = async <T>(body: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>) => {
    const handle = await openDatabase(target, 'cli test');
    try {
      return await body(handle.db);
    } finally {
      await handle.close();
    }
  };
  await withDb(async (db) => {
    const [agent] = await db.select().from(agents).where(eq(agents.email, email));
    if (!agent) throw new Error(`no agent ${email}`);
    await db.insert(sessions).values({
      tokenHash: 'cli-test',
      agentId: agent.id,
      csrfToken: 'x',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
  });
  const reset = run('reset-password', email.toUpperCase());
  expect(reset.code).toBe(0);
  const printed = /temporary password \(shown once\): (\S{20})\n/.exec(reset.out);
  expect(reset.out).toContain('1 session(s) ended');
  const temporary = printed?.[1] ?? '';
  await withDb(async (db) => {
    const [agent] = await db.select().from(agents).where(eq(agents.email, email));
    expect(agent?.mustChangePassword).toBe(true);
    expect(await verifyPassword(agent?.passwordHash ?? '', temporary)).toBe(true);
    expect(
      await db
        .select()
        .from(sessions)
        .where(eq(sessions.agentId, agent?.id ?? '')),
    ).toEqual([]);
  });
  const unknown = run('reset-password', 'nadie@monet.mx');
  expect(unknown.code).toBe(1);
  expect(unknown.err).toContain('No such agent');
}

// Each command is a process of its own that opens PGlite: slow on a loaded machine, so the timeouts are generous.
describe('the atiende command on the embedded database', { timeout: 240_000 }, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'atiende-cli-'));
  const env = {
    ...process.env,
    ATIENDE_DATA_DIR: path.join(root, 'data'),
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
    ATIENDE_SMTP_PORT: '0',
  };
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 180_000 });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };

  it('migrates, creates an agent and prints the password once', () => {
    expect(run('migrate')).toMatchObject({ code: 0 });
    const created = run('create-agent', '--email', 'Rosa@Monet.mx', '--name', 'Rosa', '--role', 'supervisor');
    expect(created.code).toBe(0);
    expect(created.out).toContain('Agent rosa@monet.mx (supervisor) created.');
    expect(created.out).toMatch(/Password \(shown once\): \S{20}/);
  });

  it('resets a password: a temporary one printed once, a change forced, sessions ended', async () => {
    await checkResetPassword({ kind: 'pglite', dataDir: env.ATIENDE_DATA_DIR }, 'rosa@monet.mx', run);
  });

  it('exports the settings as a profile, and imports a changed copy showing the difference', () => {
    const file = path.join(root, 'profile.yaml');
    expect(run('profile', 'export', '--out', file).code).toBe(0);
    const exported = readFileSync(file, 'utf8');
    expect(exported).toContain('folioPrefix: MON');
    writeFileSync(file, exported.replace('name: Monet Móvil\n', 'name: Monet Móvil Sur\n'));
    const dry = run('profile', 'import', file, '--dry-run');
    expect(dry.out).toContain('~ provider.name: "Monet Móvil" → "Monet Móvil Sur"');
    expect(run('profile', 'export').out).toContain('name: Monet Móvil\n');
    const applied = run('profile', 'import', file);
    expect(applied.code).toBe(0);
    expect(run('profile', 'export').out).toContain('name: Monet Móvil Sur\n');

    writeFileSync(file, exported.replace('folioPrefix: MON', 'folioPrefix: mon'));
    const invalid = run('profile', 'import', file);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('provider.folioPrefix');
  });

  it('backs up and restores into a new folder', () => {
    const archive = path.join(root, 'atiende.tar.gz');
    const backup = run('backup', archive);
    expect(backup.code).toBe(0);
    expect(backup.err).toContain('Wrote');
    expect(existsSync(archive)).toBe(true);
    const restoredEnv = { ...env, ATIENDE_DATA_DIR: path.join(root, 'restored') };
    const restore = spawnSync(process.execPath, [BIN, 'restore', archive], {
      env: restoredEnv,
      encoding: 'utf8',
    });
    expect(restore.status).toBe(0);
    const exported = spawnSync(process.execPath, [BIN, 'profile', 'export'], {
      env: restoredEnv,
      encoding: 'utf8',
    });
    expect(exported.stdout).toContain('name: Monet Móvil Sur');
  });

  it('tells one-off commands to stop the server that holds the embedded database', async () => {
    server = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      server?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Atiende listening')) resolve();
      });
      server?.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
    });
    const refused = run('create-agent', '--email', 'otro@monet.mx', '--name', 'Otro');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`in use by process ${server.pid}`);
    expect(refused.err).toContain('stop that process first');
    const reset = run('reset-password', 'rosa@monet.mx');
    expect(reset.code).toBe(1);
    expect(reset.err).toContain(`in use by process ${server.pid}`);
    const backup = run('backup', path.join(root, 'while-running.tar.gz'));
    expect(backup.code).toBe(1);
    expect(backup.err).toContain('POST /api/v1/admin/backup');
    server.kill('SIGTERM');
    await new Promise((resolve) => server?.on('exit', resolve));
  });

  it('prints every configuration problem at once', () => {
    const result = spawnSync(process.execPath, [BIN, 'migrate'], {
      env: { ...env, PORT: 'x', LOG_LEVEL: 'loud' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('LOG_LEVEL');
  });
});

describePostgres('the atiende command on PostgreSQL', () => {
  let url: string;
  afterAll(async () => {
    if (url) await dropPostgresDatabase(url);
  });

  it('resets a password', { timeout: 240_000 }, async () => {
    url = await createPostgresDatabase();
    const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', ATIENDE_SMTP_PORT: '0' };
    const run = (...args: string[]) => {
      const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 180_000 });
      return { code: result.status, out: result.stdout, err: result.stderr };
    };
    expect(run('create-agent', '--email', 'luis@monet.mx', '--name', 'Luis').code).toBe(0);
    await checkResetPassword({ kind: 'postgres', url }, 'luis@monet.mx', run);
  });
});
