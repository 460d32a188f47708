import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../attachments/attachments.service.ts';
import { downloadAllowedMedia } from './media-download.ts';

describe('media downloads from URLs a transport gave', () => {
  let server: Server;
  let port: number;
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: req.headers });
      const redirect = /^\/redirect\?to=(.+)$/.exec(req.url ?? '');
      if (redirect?.[1]) {
        res.writeHead(302, { location: decodeURIComponent(redirect[1]) });
        return res.end();
      }
      if (req.url === '/huge') {
        // No content-length: the size is only known while reading.
        res.writeHead(200, { 'content-type': 'video/mp4' });
        const chunk = Buffer.alloc(1024 * 1024);
        for (let i = 0; i <= MAX_ATTACHMENT_BYTES / chunk.length; i++) res.write(chunk);
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end('jpeg bytes');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const options = (allowedHosts: string[], headers: Record<string, string> = {}) => ({
    allowedHosts,
    headers,
    timeoutMs: 10_000,
  });
  const refusal = { code: 'channel.media_refused', status: 422 };

  it('downloads from a listed address', async () => {
    expect(await downloadAllowedMedia(`http://127.0.0.1:${port}/ok`, options(['127.0.0.1']))).toEqual({
      status: 200,
      contentType: 'image/jpeg',
      bytes: Buffer.from('jpeg bytes'),
    });
  });

  it('refuses a host not on the list, and plain HTTP to a host allowed only by a wildcard, sending nothing', async () => {
    const before = seen.length;
    await expect(
      downloadAllowedMedia(`http://127.0.0.1:${port}/ok`, options(['lookaside.fbsbx.com', '*.fbcdn.net'])),
    ).rejects.toMatchObject(refusal);
    await expect(
      downloadAllowedMedia('http://scontent.xx.fbcdn.net/x.jpg', options(['*.fbcdn.net'])),
    ).rejects.toMatchObject(refusal);
    expect(seen.length).toBe(before);
  });

  it('refuses a name that resolves to loopback unless the address itself is listed', async () => {
    const before = seen.length;
    await expect(
      downloadAllowedMedia(`http://localhost:${port}/ok`, options(['localhost'])),
    ).rejects.toMatchObject(refusal);
    expect(seen.length).toBe(before);
    const allowed = await downloadAllowedMedia(
      `http://localhost:${port}/ok`,
      options(['localhost', '127.0.0.1', '::1']),
    );
    expect(allowed.status).toBe(200);
  });

  it('follows redirects only onto allowed hosts, and keeps the token to the first origin', async () => {
    const offList = `http://localhost:${port}/ok`;
    const first = seen.length;
    await expect(
      downloadAllowedMedia(
        `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(offList)}`,
        options(['127.0.0.1'], { authorization: 'Bearer secret' }),
      ),
    ).rejects.toMatchObject(refusal);
    expect(seen.slice(first).map((r) => r.path)).toEqual([`/redirect?to=${encodeURIComponent(offList)}`]);

    const before = seen.length;
    const moved = await downloadAllowedMedia(
      `http://127.0.0.1:${port}/redirect?to=${encodeURIComponent(offList)}`,
      options(['127.0.0.1', 'localhost', '::1'], { authorization: 'Bearer secret' }),
    );
    expect(moved.bytes.toString()).toBe('jpeg bytes');
    expect(seen.slice(before).map((r) => r.headers.authorization)).toEqual(['Bearer secret', undefined]);
  });

  it('stops reading at the attachment size limit', async () => {
    await expect(
      downloadAllowedMedia(`http://127.0.0.1:${port}/huge`, options(['127.0.0.1'])),
    ).rejects.toMatchObject(refusal);
  });
});
