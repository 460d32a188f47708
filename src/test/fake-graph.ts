import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The refusals the fake can be told to answer a send with, by Meta's error code (500: a server error). */
export type FakeFailure = 190 | 131047 | 130429 | 500;

export interface RecordedRequest {
  method: string;
  /** Path and query string as received (Messenger passes its token in the query). */
  path: string;
  headers: IncomingHttpHeaders;
  /**
   * The body parsed as JSON, or a multipart form's fields (JSON fields parsed) with each file as
   * `{ filename, type, size, sha256 }`; undefined when there is none or it is neither.
   */
  body: unknown;
}

/** A file received in a multipart request (a WhatsApp media upload, a Messenger attachment). */
export interface ReceivedFile {
  filename: string;
  type: string;
  size: number;
  sha256: string;
}

export interface FakeGraph {
  /** Base URL to use as GRAPH_BASE_URL (no version segment; one is accepted and ignored). */
  url: string;
  /** Every request received, in order, including refused ones and media requests. */
  readonly sent: RecordedRequest[];
  /** Refuses the next `times` message sends (WhatsApp or Messenger) as Meta would; calls queue up. */
  failNext(kind: FakeFailure, times?: number): void;
  /** Refuses every message send until `reset()`. */
  failAlways(kind: FakeFailure): void;
  /** Clears scripted failures; recorded requests, media and ids are kept. */
  reset(): void;
  /** Files uploaded to WhatsApp's media endpoint, by the id the fake answered. */
  readonly uploads: Map<string, ReceivedFile>;
  /** The id the next successful send will get (`wamid.FAKE-<n>`). */
  peekNextId(): string;
  /** Serves `GET /{id}` (the media URL step) and the download it points to, which needs a bearer token. */
  addMedia(id: string, bytes: Buffer, mimeType: string): void;
  /** Resolves with the message sends once at least `n` were received; rejects after `timeoutMs`. */
  waitForSends(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../channels/whatsapp/fixtures/${name}.json`, import.meta.url), 'utf8'));

const metaError = (code: number, message: string, extra: Record<string, unknown> = {}) => ({
  error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: 'AFakeTraceIdFromFakeGraph' },
});

// Error bodies in Meta's shape; 190 and 131047 are Meta's documented samples.
const FAILURES: Record<FakeFailure, { status: number; body: unknown }> = {
  190: { status: 401, body: fixture('wa-send-error-response') },
  131047: { status: 400, body: fixture('wa-send-error-response-131047') },
  130429: {
    status: 400,
    body: metaError(130429, '(#130429) Rate limit hit', {
      error_data: {
        messaging_product: 'whatsapp',
        details: 'Cloud API message throughput has been reached.',
      },
    }),
  },
  500: { status: 500, body: metaError(1, 'An unknown error has occurred.') },
};

const MISSING_TOKEN = {
  status: 401,
  body: metaError(190, 'Invalid OAuth access token - Cannot parse access token'),
};

const bearer = (headers: IncomingHttpHeaders) => /^Bearer \S+$/.test(headers.authorization ?? '');
// Real callers put a version first (`/v26.0/…`); the fake answers with or without one.
const routeOf = (path: string) => new URL(path, 'http://fake').pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
const isSend = (request: RecordedRequest) =>
  request.method === 'POST' && /^\/(me|\d+)\/messages$/.test(routeOf(request.path));
const isUpload = (request: RecordedRequest) =>
  request.method === 'POST' && /^\/\d+\/media$/.test(routeOf(request.path));

const parseJson = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

/** A multipart body as Meta would read it: fields (JSON ones parsed) and files described, not kept. */
async function parseForm(bytes: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Response(new Uint8Array(bytes), {
    headers: { 'content-type': contentType },
  }).formData();
  const fields: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') fields[key] = parseJson(value) ?? value;
    else {
      const content = Buffer.from(await value.arrayBuffer());
      fields[key] = {
        filename: value.name,
        type: value.type,
        size: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
      } satisfies ReceivedFile;
    }
  }
  return fields;
}

/** A local stand-in for Meta's Graph API: WhatsApp and Messenger sends, and WhatsApp's media download. */
export async function startFakeGraph(): Promise<FakeGraph> {
  const sent: RecordedRequest[] = [];
  const uploads = new Map<string, ReceivedFile>();
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  let failures: FakeFailure[] = [];
  let always: FakeFailure | undefined;
  let counter = 0;
  let uploadCounter = 0;
  let url = '';

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const answerSend = (res: ServerResponse, request: RecordedRequest) => {
    const failure = failures.shift() ?? always;
    if (failure) return json(res, FAILURES[failure].status, FAILURES[failure].body);
    const body = (request.body ?? {}) as { to?: string; recipient?: { id?: string } };
    if (routeOf(request.path) === '/me/messages') {
      if (!new URL(request.path, url).searchParams.get('access_token'))
        return json(res, MISSING_TOKEN.status, MISSING_TOKEN.body);
      return json(res, 200, { recipient_id: body.recipient?.id, message_id: `m_FAKE-${++counter}` });
    }
    if (!bearer(request.headers)) return json(res, MISSING_TOKEN.status, MISSING_TOKEN.body);
    return json(res, 200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: body.to, wa_id: body.to }],
      messages: [{ id: `wamid.FAKE-${++counter}` }],
    });
  };

  // Meta's upload answers only the media id; the file must come with its type and the product.
  const answerUpload = (res: ServerResponse, request: RecordedRequest) => {
    if (!bearer(request.headers)) return json(res, MISSING_TOKEN.status, MISSING_TOKEN.body);
    const form = (request.body ?? {}) as { file?: ReceivedFile; messaging_product?: string; type?: string };
    if (!form.file || form.messaging_product !== 'whatsapp' || !form.type)
      return json(res, 400, metaError(100, '(#100) The parameter file is required.'));
    const id = `media.FAKE-${++uploadCounter}`;
    uploads.set(id, form.file);
    return json(res, 200, { id });
  };

  const answer = (res: ServerResponse, request: RecordedRequest) => {
    if (isSend(request)) return answerSend(res, request);
    if (isUpload(request)) return answerUpload(res, request);
    const path = routeOf(request.path);
    const download = /^\/media-download\/([^/]+)$/.exec(path);
    const id = decodeURIComponent(download?.[1] ?? path.slice(1));
    const item = media.get(id);
    if (request.method !== 'GET' || !item) {
      const message = `Unsupported ${request.method} request. Object with ID '${id}' does not exist`;
      return json(res, 400, metaError(100, message, { error_subcode: 33 }));
    }
    if (!bearer(request.headers)) return json(res, MISSING_TOKEN.status, MISSING_TOKEN.body);
    if (download) {
      res.writeHead(200, { 'content-type': item.mimeType, 'content-length': item.bytes.length });
      return res.end(item.bytes);
    }
    return json(res, 200, {
      messaging_product: 'whatsapp',
      url: `${url}/media-download/${encodeURIComponent(id)}`,
      mime_type: item.mimeType,
      sha256: createHash('sha256').update(item.bytes).digest('hex'),
      file_size: String(item.bytes.length),
      id,
    });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const bytes = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      let body: unknown;
      try {
        body = contentType.startsWith('multipart/form-data')
          ? await parseForm(bytes, contentType)
          : parseJson(bytes.toString('utf8'));
      } catch {
        body = undefined;
      }
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
      };
      sent.push(request);
      try {
        answer(res, request);
      } catch {
        json(res, 400, metaError(100, 'Malformed request'));
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sends = () => sent.filter(isSend);

  return {
    url,
    sent,
    uploads,
    failNext(kind, times = 1) {
      failures.push(...Array.from({ length: times }, () => kind));
    },
    failAlways(kind) {
      always = kind;
    },
    reset() {
      failures = [];
      always = undefined;
    },
    peekNextId: () => `wamid.FAKE-${counter + 1}`,
    addMedia(id, bytes, mimeType) {
      media.set(id, { bytes, mimeType });
    },
    async waitForSends(n, timeoutMs = 5_000) {
      const end = Date.now() + timeoutMs;
      while (sends().length < n) {
        if (Date.now() > end)
          throw new Error(`expected ${n} sends within ${timeoutMs} ms, got ${sends().length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return sends();
    },
    close() {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      // Clients keep connections alive; without this, close waits for them to time out.
      server.closeAllConnections();
      return closed;
    },
  };
}
