// A lean keep-alive HTTP client for the benchmarks. On two cores the load generator competes with the
// server and the database for CPU; fetch (undici) spent ~1.6 ms of CPU per request here, node:http with a
// keep-alive agent a fraction of that, so the figures say more about Atiende and less about the harness.
import http from 'node:http';

export interface Poster {
  post(
    path: string,
    body: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: string }>;
  close(): void;
}

/** Posts to `baseUrl` over at most `connections` kept-alive connections. */
export function poster(baseUrl: string, connections: number): Poster {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const base = new URL(baseUrl);
  return {
    post(path, body, headers = {}) {
      return new Promise((resolve, reject) => {
        const request = http.request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            path,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              ...headers,
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
            );
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
