import { TEST_ADMIN } from '../../src/test/app.ts';
import { loginOverHttp } from '../../src/test/processes.ts';

export { type Servers, startServers } from '../../src/test/processes.ts';

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
