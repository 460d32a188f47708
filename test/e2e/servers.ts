import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_ADMIN } from '../../src/test/app.ts';
import { createPostgresDatabase, dropPostgresDatabase, POSTGRES_URL } from '../../src/test/databases.ts';
import { loginOverHttp, type ServerProcess, startServerProcess } from '../../src/test/processes.ts';

export interface Servers {
  /** One process per entry, all on the same database. */
  processes: ServerProcess[];
  stop(): Promise<void>;
}

/**
 * Atiende server processes on a fresh database of their own: PostgreSQL when DATABASE_URL is set
 * (the only way to run several processes), otherwise one process on an embedded PGlite data folder.
 */
export async function startServers(count: number): Promise<Servers> {
  if (POSTGRES_URL) {
    const url = await createPostgresDatabase();
    const processes = await Promise.all(
      Array.from({ length: count }, () => startServerProcess({ DATABASE_URL: url })),
    );
    return {
      processes,
      async stop() {
        await Promise.all(processes.map((p) => p.stop()));
        await dropPostgresDatabase(url);
      },
    };
  }
  if (count !== 1) throw new Error('several server processes need PostgreSQL (DATABASE_URL)');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atiende-e2e-'));
  // An empty DATABASE_URL overrides one inherited from the environment: this process stays on PGlite.
  const server = await startServerProcess({ DATABASE_URL: '', ATIENDE_DATA_DIR: dataDir });
  return {
    processes: [server],
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A tiny API client for setting the scene as an admin would, over real HTTP. */
export async function adminApi(baseUrl: string) {
  const headers = await loginOverHttp(baseUrl, TEST_ADMIN);
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}/api/v1${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const areas = await call<Array<{ id: number; code: string; name: string }>>('GET', '/areas');
  const areaId = (code: string) => {
    const area = areas.find((a) => a.code === code);
    if (!area) throw new Error(`no area ${code}`);
    return area.id;
  };
  let sequence = 0;
  return {
    areas,
    areaId,
    /** Creates an agent in the given areas and returns the credentials to log in with. */
    async createAgent(role: 'agent' | 'supervisor', name: string, areaCodes: string[]) {
      sequence += 1;
      const credentials = {
        email: `${role}${sequence}.${Date.now()}@example.test`,
        password: 'a long enough password',
      };
      await call('POST', '/agents', { ...credentials, name, role, areaIds: areaCodes.map(areaId) });
      return credentials;
    },
  };
}
