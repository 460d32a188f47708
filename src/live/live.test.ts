import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import { appendEvent, type EventKind } from '../events/events.service.ts';
import { startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { LIVE_RECHECK_MS } from './live.routes.ts';

interface Stream {
  /** The ids of the events received so far. */
  ids: number[];
  /** Everything received so far, as sent. */
  text: () => string;
  /** Settles when the server ends the stream. */
  ended: Promise<void>;
  isOpen(): boolean;
  close(): void;
}

describeEachDatabase('the live stream ends with its session', (kind) => {
  let app: TestApp;
  let baseUrl: string;
  const clock = new ManualClock(new Date('2026-11-25T16:00:00Z'));
  const streams: Stream[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    baseUrl = await app.atiende.http.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(() => {
    vi.useRealTimers();
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(() => app?.close());

  async function openStream(headers: Record<string, string>): Promise<Stream> {
    const abort = new AbortController();
    const response = await fetch(`${baseUrl}/api/v1/live`, { headers, signal: abort.signal });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const ids: number[] = [];
    let text = '';
    let open = true;
    const decoder = new TextDecoder();
    const ended = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const chunk = decoder.decode(value, { stream: true });
          text += chunk;
          for (const match of chunk.matchAll(/^id: (\d+)$/gm)) {
            ids.push(Number(match[1]));
          }
        }
      } catch {
        // Aborted by the test itself.
      } finally {
        open = false;
      }
    })();
    const stream = { ids, text: () => text, ended, isOpen: () => open, close: () => abort.abort() };
    streams.push(stream);
    return stream;
  }

  const announce = async () => {
    await appendEvent(app.atiende.ctx.db, {
      kind: 'customer_changed',
      actor: systemActor('registro_previo'),
      subject: { kind: 'settings', id: 'live-test' },
    });
  };
  const endsWithin = (stream: Stream, ms = 15_000) =>
    Promise.race([
      stream.ended.then(() => 'ended'),
      new Promise((resolve) => setTimeout(() => resolve('still open'), ms)),
    ]);
  const receives = async (stream: Stream) => {
    const before = stream.ids.length;
    await announce();
    await expect.poll(() => stream.ids.length, { timeout: 15_000 }).toBeGreaterThan(before);
  };

  it('sends every kind, even one this code does not know, as a plain message with the kind in its data', async () => {
    const agent = await app.sessionAs('agent');
    const stream = await openStream({ cookie: agent.cookie });
    const kind = 'a_kind_from_the_future' as EventKind;
    await appendEvent(app.atiende.ctx.db, {
      kind,
      actor: systemActor('registro_previo'),
      subject: { kind: 'settings', id: 'live-test' },
    });
    const data = () =>
      stream
        .text()
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice('data: '.length)) as { id: number; kind: string });
    await expect.poll(() => data().map((e) => e.kind), { timeout: 15_000 }).toContain(kind);
    expect(stream.text()).not.toMatch(/^event:/m);
    const sent = data().find((e) => e.kind === kind);
    expect(stream.ids).toContain(sent?.id);
  });

  it('ends when the session logs out; the event that follows is not sent', async () => {
    const agent = await app.sessionAs('agent');
    const stream = await openStream({ cookie: agent.cookie });
    await receives(stream);
    const seen = stream.ids.length;
    expect((await agent.request('POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    await announce();
    expect(await endsWithin(stream)).toBe('ended');
    expect(stream.ids).toHaveLength(seen);
  });

  it('ends when the session expires', async () => {
    const agent = await app.sessionAs('agent');
    const stream = await openStream({ cookie: agent.cookie });
    await receives(stream);
    clock.advance(13 * 3_600_000);
    await announce();
    expect(await endsWithin(stream)).toBe('ended');
  });

  it('ends when the agent is deactivated, for their sessions and their tokens alike', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const agent = await app.sessionAs('agent');
    const { token } = (
      await admin.request('POST', '/api/v1/tokens', { name: 'tablero', agentId: agent.agentId })
    ).json();
    const bySession = await openStream({ cookie: agent.cookie });
    const byToken = await openStream({ authorization: `Bearer ${token}` });
    await receives(byToken);
    await admin.request('PATCH', `/api/v1/agents/${agent.agentId}`, { active: false });
    await announce();
    expect(await endsWithin(bySession)).toBe('ended');
    expect(await endsWithin(byToken)).toBe('ended');
  });

  it('ends the other sessions’ streams when the password changes, and an admin’s reset ends them all', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const here = await app.sessionAs('agent');
    const email = (await here.request('GET', '/api/v1/auth/session')).json().agent.email as string;
    const elsewhere = await app.login(email, 'a long enough password');
    const ours = await openStream({ cookie: here.cookie });
    const theirs = await openStream({ cookie: elsewhere.cookie });
    await here.request('POST', '/api/v1/auth/password', {
      currentPassword: 'a long enough password',
      newPassword: 'una frase nueva y larga',
    });
    await receives(ours);
    expect(await endsWithin(theirs)).toBe('ended');
    expect(ours.isOpen()).toBe(true);

    await admin.request('POST', `/api/v1/agents/${here.agentId}/password-reset`);
    await announce();
    expect(await endsWithin(ours)).toBe('ended');
  });

  it('a quiet stream checks on its own, every so often', async () => {
    const agent = await app.sessionAs('agent');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const stream = await openStream({ cookie: agent.cookie });
    await agent.request('POST', '/api/v1/auth/logout');
    expect(await endsWithin(stream, 1_000)).toBe('still open');
    vi.advanceTimersByTime(LIVE_RECHECK_MS);
    expect(await endsWithin(stream)).toBe('ended');
  });
});
