import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_ADMIN } from './app.ts';
import { createPostgresDatabase, dropPostgresDatabase, POSTGRES_URL } from './databases.ts';

const BIN = path.resolve('bin/atiende.mjs');

export interface ServerProcess {
  url: string;
  process: ChildProcess;
  /** Ends the server as an operator would (SIGTERM), waiting for it to exit. */
  stop(): Promise<void>;
  /** Kills it without warning (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

/** Starts `atiende serve` in its own process on a free port, with the test admin configured. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      ATIENDE_SMTP_PORT: '0',
      LOG_LEVEL: 'warn',
      ATIENDE_ADMIN_EMAIL: TEST_ADMIN.email,
      ATIENDE_ADMIN_PASSWORD: TEST_ADMIN.password,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Atiende listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    setTimeout(() => reject(new Error(`server did not start: ${output}`)), 120_000);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    url,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Logs in over real HTTP and returns headers that authenticate later writes (cookie and CSRF token). */
export async function loginOverHttp(
  baseUrl: string,
  credentials = TEST_ADMIN,
): Promise<Record<string, string>> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
}

export interface Servers {
  /** One process per entry, all on the same database. */
  processes: ServerProcess[];
  /** The PostgreSQL database they share, when on PostgreSQL. */
  databaseUrl?: string;
  stop(): Promise<void>;
}

/**
 * Atiende server processes on a fresh database of their own: PostgreSQL when DATABASE_URL is set
 * (the only way to run several processes), otherwise one process on an embedded PGlite data folder.
 */
export async function startServers(count: number, env: Record<string, string> = {}): Promise<Servers> {
  if (POSTGRES_URL) {
    const url = await createPostgresDatabase();
    const processes = await Promise.all(
      Array.from({ length: count }, () => startServerProcess({ ...env, DATABASE_URL: url })),
    );
    return {
      processes,
      databaseUrl: url,
      async stop() {
        await Promise.all(processes.map((p) => p.stop()));
        await dropPostgresDatabase(url);
      },
    };
  }
  if (count !== 1) throw new Error('several server processes need PostgreSQL (DATABASE_URL)');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atiende-e2e-'));
  // An empty DATABASE_URL overrides one inherited from the environment: this process stays on PGlite.
  const server = await startServerProcess({ ...env, DATABASE_URL: '', ATIENDE_DATA_DIR: dataDir });
  return {
    processes: [server],
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
