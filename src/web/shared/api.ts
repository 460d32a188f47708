import type { AttachmentUpload, Problem } from './types.ts';

/** A refused or failed API call, carrying the problem the server answered (or a synthetic one offline). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly detail: string | undefined;
  /** The whole problem document, including the members some codes add (`templates`, `otherContactPoints`). */
  readonly problem: Problem & Record<string, unknown>;

  constructor(problem: Problem & Record<string, unknown>) {
    super(problem.detail ?? problem.code);
    this.status = problem.status;
    this.code = problem.code;
    this.field = problem.field;
    this.detail = problem.detail;
    this.problem = problem;
  }
}

type Query = Record<string, string | number | undefined | null>;

export interface Api {
  /** The token every cookie-authenticated write must echo in `X-CSRF-Token`. */
  setCsrfToken(token: string | null): void;
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  delete(path: string): Promise<void>;
  /** A POST whose answer is a document (a receipt), not JSON. */
  postForBlob(path: string, body: unknown): Promise<Blob>;
  /** A POST of a file's bytes as they are (an import), answered in JSON. */
  postFile<T>(path: string, file: Blob, contentType: string): Promise<T>;
}

const withQuery = (path: string, query?: Query) => {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
};

async function problemOf(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    const body = (await response.json()) as Problem & Record<string, unknown>;
    return new ApiError({ ...body, status: body.status ?? response.status, code: body.code ?? 'http.error' });
  }
  return new ApiError({ status: response.status, code: 'http.error', detail: response.statusText });
}

/** A tiny typed fetch client for `/api/v1`, sending the session cookie and the CSRF header on writes. */
export function createApi(base = '/api/v1'): Api {
  let csrfToken: string | null = null;

  const send = async (
    method: string,
    path: string,
    body?: unknown,
    file?: { bytes: Blob; contentType: string },
  ): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (file) headers['content-type'] = file.contentType;
    else if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        body: file ? file.bytes : body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError({ status: 0, code: 'network.offline' });
    }
    if (!response.ok) throw await problemOf(response);
    return response;
  };

  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await send(method, path, body);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  };

  return {
    setCsrfToken(token) {
      csrfToken = token;
    },
    get: (path, query) => json('GET', withQuery(path, query)),
    post: (path, body) => json('POST', path, body ?? {}),
    put: (path, body) => json('PUT', path, body ?? {}),
    patch: (path, body) => json('PATCH', path, body ?? {}),
    delete: (path) => json('DELETE', path),
    postForBlob: async (path, body) => (await send('POST', path, body)).blob(),
    postFile: async (path, bytes, contentType) =>
      (await send('POST', path, undefined, { bytes, contentType })).json(),
  };
}

/** Reads files chosen in an `<input type="file">` into the base64 form the API takes. */
export async function readAttachments(files: Iterable<File>): Promise<AttachmentUpload[]> {
  const read = (file: File) =>
    new Promise<AttachmentUpload>((resolve, reject) => {
      const reader = new FileReader();
      reader.onerror = () => reject(reader.error);
      reader.onload = () => {
        const url = String(reader.result);
        resolve({
          filename: file.name,
          contentType: file.type || 'application/octet-stream',
          data: url.slice(url.indexOf(',') + 1),
        });
      };
      reader.readAsDataURL(file);
    });
  return Promise.all(Array.from(files, read));
}

/** Looks a key up in the app's translations: the text, or undefined when there is none. */
export type Lookup = (key: string, values?: Record<string, unknown>) => string | undefined;

// The apps whose translations carry a `problems` table, looked up in this order.
const PROBLEM_NAMESPACES = ['console', 'portal'];
// Codes whose text cannot say which input is wrong: the field's name is added to them.
const NAMES_FIELD = new Set(['request.invalid', 'contact_point.invalid']);

/** A field path as the API names it (`body.attachments.1.contentType`) cut to what a person filled in. */
const fieldName = (field: string) => field.replace(/^(body|query|params)\./, '').split('.')[0] ?? field;

/**
 * What a problem says to a person, in their language: the text its stable `code` has under `problems`,
 * filled with the problem's own members (channel, file name, limits, correlation id, minutes to wait),
 * and, for the generic codes, the field to look at. Undefined when no text exists for the
 * code: the server's `detail` is English for developers and is never shown.
 */
export function problemMessage(error: ApiError, lookup: Lookup): string | undefined {
  const { problem } = error;
  const channelCode = typeof problem.channel === 'string' ? problem.channel : undefined;
  const seconds = typeof problem.retryAfterSeconds === 'number' ? problem.retryAfterSeconds : 60;
  const values: Record<string, unknown> = {
    ...problem,
    channel: (channelCode && lookup(`common:channel.${channelCode}`)) ?? channelCode,
    minutes: Math.max(1, Math.ceil(seconds / 60)),
  };
  for (const namespace of PROBLEM_NAMESPACES) {
    const text = lookup(`${namespace}:problems.${error.code}`, values);
    if (text === undefined) continue;
    const label =
      error.field && NAMES_FIELD.has(error.code)
        ? lookup(`${namespace}:problems.fields.${fieldName(error.field)}`)
        : undefined;
    const hint = label ? lookup(`${namespace}:problems.fieldHint`, { field: label }) : undefined;
    return hint ? `${text} ${hint}` : text;
  }
  return undefined;
}
