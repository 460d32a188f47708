import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `vite build` writes the agent console (index.html) and the customer portal (portal/index.html). */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/**
 * Serves the built web app from the same process as the API: the agent console at `/`, the customer
 * portal at `/portal`, both single-page apps whose client-side routes fall back to their index.html.
 */
export async function webRoutes(app: FastifyInstance) {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
    app.get('/', async (_request, reply) =>
      reply
        .status(503)
        .type('text/html; charset=utf-8')
        .send(
          '<p>The web app is not built yet: run <code>npm run build</code> (npm start does it for you).</p>',
        ),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    wildcard: false,
    index: false,
    // The build writes .br and .gz copies: customers on mobile data get a third of the bytes.
    preCompressed: true,
    setHeaders(reply, file) {
      // Hashed file names never change content, so browsers may keep them; pages must be revalidated.
      reply.header(
        'cache-control',
        file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const page =
    (file: string) =>
    async (
      _request: unknown,
      reply: { sendFile: (f: string) => unknown; header: (k: string, v: string) => unknown },
    ) => {
      reply.header('cache-control', 'no-cache');
      return reply.sendFile(file);
    };
  app.get('/', page('index.html'));
  app.get('/portal', page('portal/index.html'));
  app.get('/portal/*', async (request, reply) => {
    const asset = (request.params as { '*': string })['*'];
    if (asset && existsSync(path.join(WEB_DIST, 'portal', asset)) && !asset.includes('..'))
      return reply.sendFile(`portal/${asset}`);
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('portal/index.html');
  });
  app.get('/assets/*', async (request, reply) =>
    reply.sendFile(`assets/${(request.params as { '*': string })['*']}`),
  );
  app.get('/app/*', page('index.html'));
}
