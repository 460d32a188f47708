import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, 'src/web');

// In development, the portal's own routes (/portal/lookup…) must get the portal's page, not the console's.
const portalFallback: Plugin = {
  name: 'atiende-portal-fallback',
  configureServer(server) {
    server.middlewares.use((request, _response, next) => {
      if (request.url && /^\/portal(\/[^.?]*)?(\?.*)?$/.test(request.url)) request.url = '/portal/index.html';
      next();
    });
  },
};

// Customers load the portal on phones: ship .br and .gz next to each script and stylesheet, so the
// server can send them compressed without compressing on every request (@fastify/static `preCompressed`).
const precompress: Plugin = {
  name: 'atiende-precompress',
  apply: 'build',
  writeBundle(options, bundle) {
    for (const file of Object.keys(bundle).filter((name) => /\.(js|css|html)$/.test(name))) {
      const target = path.join(options.dir ?? '', file);
      const bytes = readFileSync(target);
      writeFileSync(`${target}.gz`, gzipSync(bytes, { level: 9 }));
      writeFileSync(
        `${target}.br`,
        brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      );
    }
  },
};

/**
 * One build, two single-page apps: the agent console (index.html, served at `/`) and the customer
 * portal (portal/index.html, served at `/portal`). They share `/assets/`, so React is downloaded once.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), portalFallback, precompress],
  build: {
    outDir: path.join(here, 'dist/web'),
    emptyOutDir: true,
    // The dashboard's charts (ECharts, ~550 kB) load as their own chunk only when the dashboard opens.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      input: {
        console: path.join(root, 'index.html'),
        portal: path.join(root, 'portal/index.html'),
      },
      // What both apps use (React, i18next, the shared modules) goes in one chunk, cached across them.
      output: { codeSplitting: { groups: [{ name: 'shared', minShareCount: 2 }] } },
    },
  },
  // `npx vite` serves the app with hot reload; the API stays on `npm start`'s port.
  server: { proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}` } },
});
