import type { LightMyRequestResponse } from 'fastify';
import pino, { type Logger } from 'pino';
import { createAgent } from '../agents/agents.service.ts';
import { type Atiende, startAtiende } from '../app.ts';
import type { Role } from '../auth/actor.ts';
import { systemActor } from '../auth/system-rules.ts';
import type { Clock } from '../clock.ts';
import { type Config, loadConfig } from '../config/env.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';

export const TEST_ADMIN = { email: 'admin@example.test', password: 'correct horse battery staple' };

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: 'silent',
    ATIENDE_DATA_DIR: '/nonexistent-atiende-test-dir',
    ATIENDE_ADMIN_EMAIL: TEST_ADMIN.email,
    ATIENDE_ADMIN_PASSWORD: TEST_ADMIN.password,
    ...overrides,
  });
}

export interface Session {
  cookie: string;
  csrfToken: string;
  agentId: string;
  /** Calls the API as this agent, with the CSRF header on writes. */
  request(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export interface TestApp {
  atiende: Atiende;
  database: TestDatabase;
  login(email: string, password: string): Promise<Session>;
  /** Creates an agent of the given role (in the given areas) and logs in as them. */
  sessionAs(role: Role, areaIds?: number[]): Promise<Session>;
  close(): Promise<void>;
}

let sequence = 0;

/** A whole Atiende (database, jobs, HTTP) on a fresh test database of the given kind. */
export async function startTestApp(
  kind: DatabaseKind,
  options: { clock?: Clock; work?: boolean; config?: Record<string, string>; logger?: Logger } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(kind);
  const atiende = await startAtiende(testConfig(options.config), {
    database: database.handle,
    clock: options.clock,
    work: options.work ?? true,
    logger: options.logger ?? pino({ level: 'silent' }),
  });

  const login = async (email: string, password: string): Promise<Session> => {
    const response = await atiende.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
    });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
    const body = response.json() as { csrfToken: string; agent: { id: string } };
    const setCookie = response.cookies.find((c) => c.name === 'atiende_session');
    if (!setCookie) throw new Error('no session cookie');
    const cookie = `atiende_session=${setCookie.value}`;
    return {
      cookie,
      csrfToken: body.csrfToken,
      agentId: body.agent.id,
      request: (method, url, payload) =>
        atiende.http.inject({
          method: method as 'GET',
          url,
          headers: { cookie, 'x-csrf-token': body.csrfToken },
          ...(payload === undefined ? {} : { payload: payload as object }),
        }),
    };
  };

  return {
    atiende,
    database,
    login,
    async sessionAs(role, areaIds = []) {
      sequence += 1;
      const email = `${role}${sequence}.${Date.now()}@example.test`;
      const password = 'a long enough password';
      await createAgent(
        atiende.ctx.db,
        { email, password, name: `${role} ${sequence}`, role, areaIds },
        systemActor('datos_de_demostracion'),
      );
      return login(email, password);
    },
    async close() {
      await atiende.close().catch(() => {});
      await database.dispose();
    },
  };
}
