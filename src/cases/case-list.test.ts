import { readFileSync } from 'node:fs';
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.ts';
import { ManualClock } from '../clock.ts';
import { makeCustomer } from '../customers/customers.factories.ts';
import { queryRows } from '../db/database.ts';
import { areas, cases } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { addAgentMessage } from './agent-messages.ts';
import { changeStatus } from './case-status.ts';
import type { CaseResponse, CustomerMatch } from './cases.schema.ts';
import { createCase } from './open-case.ts';

// Monterrey is UTC−6 all year.
const at = (local: string) => new Date(`${local}-06:00`);

interface ListPage {
  items: CaseResponse[];
  nextCursor: string | null;
  total: number;
  customers: CustomerMatch[];
}

describeEachDatabase('case lists and search', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(at('2026-11-12T10:00'));
  let agent: Session;
  const actorOf = (s: Session): Actor => ({ agentId: s.agentId, role: 'agent', via: 'session' });
  let n = 0;
  const queja = (subject?: string, description = 'Me atendieron muy mal en la sucursal') =>
    createCase(
      app.atiende.ctx,
      {
        requestType: 'queja',
        channel: 'email',
        contact: { kind: 'email', address: `lista${++n}@example.test` },
        subject,
        description,
      },
      actorOf(agent),
    );
  const list = async (query: string): Promise<ListPage> => {
    const response = await agent.request('GET', `/api/v1/cases?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  /** Every page of a listing, following the cursor; asserts the total on each page. */
  const walk = async (query: string) => {
    const seen: CaseResponse[] = [];
    let cursor: string | null = null;
    let total: number | undefined;
    do {
      const page: ListPage = await list(`${query}&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      total ??= page.total;
      expect(page.total).toBe(total);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((c) => c.id)).size).toBe(seen.length);
    return { items: seen, total };
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false, config: { ATIENDE_SESSION_HOURS: '720' } });
    const [quejas] = await app.atiende.ctx.db.select().from(areas).where(eq(areas.code, 'atencion_quejas'));
    agent = await app.sessionAs('agent', [quejas?.id as number]);
  });
  afterAll(() => app?.close());

  describe('over more cases than one page', () => {
    // Thursday 12 November 10:00: first responses due at 14:00, resolutions five business days later.
    const window = `createdFrom=${at('2026-11-12T00:00').toISOString()}&createdTo=${at('2026-11-14T00:00').toISOString()}`;
    const groups = {
      firstResponseOverdue: 120,
      answeredInTime: 80,
      answeredLate: 10,
      resolved: 10,
      warning: 40,
      fresh: 20,
    };
    const ids: Record<keyof typeof groups, Set<string>> = {
      firstResponseOverdue: new Set(),
      answeredInTime: new Set(),
      answeredLate: new Set(),
      resolved: new Set(),
      warning: new Set(),
      fresh: new Set(),
    };
    const all = Object.values(groups).reduce((a, b) => a + b, 0);

    beforeAll(async () => {
      const open = async (group: keyof typeof groups) => {
        const made = [];
        for (let i = 0; i < groups[group]; i++) {
          const kase = await queja();
          ids[group].add(kase.id);
          made.push(kase);
        }
        return made;
      };
      clock.set(at('2026-11-12T10:00'));
      await open('firstResponseOverdue');
      const inTime = await open('answeredInTime');
      const late = await open('answeredLate');
      const resolved = await open('resolved');
      const reply = (folio: string) =>
        addAgentMessage(app.atiende.ctx, folio, { kind: 'saliente', body: 'Lo revisamos' }, actorOf(agent));
      clock.set(at('2026-11-12T11:00'));
      for (const kase of inTime) await reply(kase.folio);
      for (const kase of resolved) {
        await changeStatus(app.atiende.ctx, kase.folio, { status: 'en_proceso' }, actorOf(agent));
        await changeStatus(
          app.atiende.ctx,
          kase.folio,
          { status: 'resuelto', causeCode: 'atribuible_proveedor' },
          actorOf(agent),
        );
      }
      clock.set(at('2026-11-12T15:00'));
      for (const kase of late) await reply(kase.folio);
      // Friday 13: due at 13:00, warned from 12:12.
      clock.set(at('2026-11-13T09:00'));
      await open('warning');
      clock.set(at('2026-11-13T12:30'));
      await open('fresh');
    }, 240_000);

    it('filters on the nearest pending deadline, over every case, with exact totals', async () => {
      const overdue = await walk(`${window}&deadline=vencido`);
      expect(overdue.total).toBe(groups.firstResponseOverdue);
      expect(new Set(overdue.items.map((c) => c.id))).toEqual(ids.firstResponseOverdue);
      for (const kase of overdue.items) {
        // Overdue on the first response only: the resolution alone would say "en tiempo".
        expect(kase.nearestDeadline).toMatchObject({ kind: 'primera_respuesta', state: 'vencido' });
        expect(kase.deadlines.resolucion?.state).toBe('en_tiempo');
      }
      const warning = await walk(`${window}&deadline=por_vencer`);
      expect(new Set(warning.items.map((c) => c.id))).toEqual(ids.warning);
      const inTime = await walk(`${window}&deadline=en_tiempo`);
      expect(new Set(inTime.items.map((c) => c.id))).toEqual(
        new Set([...ids.answeredInTime, ...ids.answeredLate, ...ids.fresh]),
      );
      const outOfTime = await walk(`${window}&deadline=fuera_de_plazo`);
      expect(new Set(outOfTime.items.map((c) => c.id))).toEqual(
        new Set([...ids.firstResponseOverdue, ...ids.answeredLate]),
      );
      const late = outOfTime.items.find((c) => ids.answeredLate.has(c.id));
      expect(late?.deadlines.primera_respuesta).toMatchObject({
        state: 'atendido_fuera_de_plazo',
        lateByMs: 3_600_000,
      });
      expect(late?.nearestDeadline).toMatchObject({ kind: 'resolucion', state: 'en_tiempo' });
      const answered = inTime.items.find((c) => ids.answeredInTime.has(c.id));
      expect(answered?.deadlines.primera_respuesta).toMatchObject({
        state: 'atendido_a_tiempo',
        lateByMs: null,
      });
    });

    it('sorts by the nearest pending due date over every page, cases without one last', async () => {
      const { items, total } = await walk(`${window}&sort=plazo`);
      expect(total).toBe(all);
      expect(items).toHaveLength(all);
      const dues = items.map((c) => (c.nearestDeadline ? Date.parse(c.nearestDeadline.dueAt) : Infinity));
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
      expect(new Set(items.slice(-groups.resolved).map((c) => c.id))).toEqual(ids.resolved);
      expect(items.slice(-groups.resolved).every((c) => c.nearestDeadline === null)).toBe(true);
      // The overdue first responses come first, with the same due instant, ordered on to the next page.
      expect(new Set(items.slice(0, groups.firstResponseOverdue).map((c) => c.id))).toEqual(
        ids.firstResponseOverdue,
      );
    });

    it('pages newest first through every case, ties broken by id, without gaps', async () => {
      const { items, total } = await walk(`${window}&sort=recientes`);
      expect(total).toBe(all);
      expect(items).toHaveLength(all);
      const created = items.map((c) => Date.parse(c.createdAt));
      expect(created).toEqual([...created].sort((a, b) => b - a));
      const filtered = await walk(`${window}&deadline=vencido&sort=recientes`);
      expect(filtered.total).toBe(groups.firstResponseOverdue);
    });

    it('pages rows stored with microseconds (written by SQL, not by the app) without repeating them', async () => {
      // The app writes milliseconds; a backfill or an import writes microseconds. Some overdue first
      // responses get one such due instant and creation instant, so their ties cross pages.
      const db = app.atiende.ctx.db;
      const chosen = await queryRows<{ id: string; next_due_at: string; created_at: string }>(
        db,
        sql`select id, next_due_at::text, created_at::text from cases
            where next_due_kind = 'primera_respuesta' order by id limit 60`,
      );
      const ids = sql.join(
        chosen.map((row) => sql`${row.id}::uuid`),
        sql`, `,
      );
      await db.execute(
        sql`update cases set next_due_at = '2026-11-12 09:00:00.123456+00', created_at = '2026-11-13 09:00:00.654321+00'
            where id in (${ids})`,
      );
      try {
        for (const sort of ['plazo', 'recientes']) {
          const { items, total } = await walk(`${window}&sort=${sort}`);
          expect(items).toHaveLength(total as number);
        }
      } finally {
        for (const row of chosen) {
          await db.execute(
            sql`update cases set next_due_at = ${row.next_due_at}::timestamptz, created_at = ${row.created_at}::timestamptz
                where id = ${row.id}`,
          );
        }
      }
    });

    it('lists only cases with work still to do when asked for the open ones', async () => {
      const open = await walk(`${window}&status=abiertos`);
      expect(open.total).toBe(all - groups.resolved);
      expect(open.items.every((c) => !['resuelto', 'cerrado', 'descartado'].includes(c.status))).toBe(true);
    });

    it('filters by several areas, and by nobody holding the case', async () => {
      const rows = await app.atiende.ctx.db.select().from(areas);
      const quejas = rows.find((a) => a.code === 'atencion_quejas')?.id;
      const others = rows.filter((a) => a.id !== quejas).map((a) => a.id);
      expect((await list(`${window}&areaIds=${others.join(',')}`)).total).toBe(0);
      expect((await list(`${window}&areaIds=${[...others, quejas].join(',')}`)).total).toBe(all);
      // Only the resolved ones were taken (moving to en_proceso assigns the agent); replies assign nobody.
      expect((await list(`${window}&areaId=${quejas}&unassigned=true`)).total).toBe(all - groups.resolved);
      expect((await list(`${window}&unassigned=false`)).total).toBe(groups.resolved);
    });

    it('refuses malformed input with a 400 naming the field', async () => {
      const first = await list(`${window}&sort=recientes&limit=1`);
      const attempts = [
        ['cursor', `sort=plazo&cursor=${first.nextCursor}`],
        ['cursor', 'cursor=bm90LWEtY3Vyc29y'],
        [
          'cursor',
          `cursor=${Buffer.from(JSON.stringify(['plazo', 'yesterday', crypto.randomUUID()])).toString('base64url')}&sort=plazo`,
        ],
        ['areaIds', 'areaIds=1,,2'],
        ['deadline', 'deadline=tarde'],
        ['sort', 'sort=antiguos'],
        ['unassigned', 'unassigned=yes'],
      ];
      for (const [field, query] of attempts) {
        const response = await agent.request('GET', `/api/v1/cases?${query}`);
        expect(response.statusCode, query).toBe(400);
        expect(JSON.stringify(response.json()), query).toContain(field);
      }
    });

    it('the migration fills the nearest pending deadline of rows written before it', async () => {
      const db = app.atiende.ctx.db;
      const inWindow = and(
        gte(cases.createdAt, at('2026-11-12T00:00')),
        lte(cases.createdAt, at('2026-11-14T00:00')),
      );
      const columns = {
        id: cases.id,
        nextDueKind: cases.nextDueKind,
        nextDueAt: cases.nextDueAt,
        deadlineMetLate: cases.deadlineMetLate,
      };
      const before = await db.select(columns).from(cases).where(inWindow).orderBy(cases.id);
      await db
        .update(cases)
        .set({ nextDueKind: null, nextDueAt: null, nextWarnAt: null, deadlineMetLate: false })
        .where(inWindow);
      const migration = readFileSync(
        new URL('../../drizzle/0011_next_due_backfill.sql', import.meta.url),
        'utf8',
      );
      // The tables it read were merged into `deadlines` and `deadline_alerts` (0015–0017): it runs over
      // copies of them as they were, dropped with its transaction.
      await db.transaction(async (tx) => {
        await tx.execute(
          sql`create temporary table case_deadlines on commit drop as
                select subject_id as case_id, kind, started_at, due_at, paused_at, paused_ms, met_at
                from deadlines where subject_kind = 'case'`,
        );
        await tx.execute(
          sql`create temporary table case_flags on commit drop as
                select a.id, d.subject_id as case_id, d.kind as deadline_kind, a.kind, a.cleared_at
                from deadline_alerts a join deadlines d on d.id = a.deadline_id`,
        );
        for (const statement of migration.split('--> statement-breakpoint'))
          await tx.execute(sql.raw(statement));
      });
      expect(await db.select(columns).from(cases).where(inWindow).orderBy(cases.id)).toEqual(before);
      // The warning instant is filled wherever a due date is (and is at or before it).
      const [gaps] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from cases where (next_due_at is null) <> (next_warn_at is null)
            or next_warn_at > next_due_at`,
      );
      expect(Number(gaps?.n)).toBe(0);
      expect(before.filter((r) => r.nextDueKind === 'resolucion').length).toBe(
        groups.answeredInTime + groups.answeredLate,
      );
    });
  });

  describe('search', () => {
    let jesus: { id: string };
    let ana: { id: string };
    let jesusCase: CaseResponse;
    let anaCase: CaseResponse;

    beforeAll(async () => {
      clock.set(at('2026-10-05T10:00'));
      ({ customer: jesus } = await makeCustomer(app.atiende.ctx.db, {
        name: 'Jesús Treviño Cantú',
        accountNumber: 'MON-0456789',
        contactPoints: [
          { kind: 'phone', address: '+52 81 6563 2206' },
          { kind: 'email', address: 'Jesus.Trevino@Example.test' },
        ],
      }));
      ({ customer: ana } = await makeCustomer(app.atiende.ctx.db, {
        name: 'Ana Cantú Ríos',
        contactPoints: [{ kind: 'phone', address: '81 2222 3333' }],
      }));
      jesusCase = await createCase(
        app.atiende.ctx,
        {
          requestType: 'queja',
          channel: 'telefono',
          customerId: jesus.id,
          subject: 'Cobro indebido en mi factura',
          description: 'Me cobraron dos veces la facturación de octubre',
        },
        actorOf(agent),
      );
      anaCase = await createCase(
        app.atiende.ctx,
        {
          requestType: 'queja',
          channel: 'telefono',
          customerId: ana.id,
          subject: 'Sin señal desde ayer',
          description: 'El módem no enciende después de la instalación',
        },
        actorOf(agent),
      );
    });

    const search = (q: string) => list(`q=${encodeURIComponent(q)}`);
    const ids = (page: ListPage) => page.items.map((c) => c.id).sort();

    it.each(['trevino', 'TREVIÑO', 'jesus', 'Jesús Treviño', 'treviño jesus'])(
      'finds a customer by name, accents and case ignored, in parts: %s',
      async (q) => {
        const page = await search(q);
        expect(page.customers).toEqual([
          {
            id: jesus.id,
            name: 'Jesús Treviño Cantú',
            accountNumber: 'MON-0456789',
            matchedOn: 'nombre',
            openCases: 1,
          },
        ]);
        expect(ids(page)).toEqual([jesusCase.id]);
        expect(page.total).toBe(1);
      },
    );

    it('finds every customer a partial name fits, and only their cases', async () => {
      const page = await search('cant');
      expect(page.customers.map((c) => c.id).sort()).toEqual([jesus.id, ana.id].sort());
      expect(page.customers.every((c) => c.matchedOn === 'nombre')).toBe(true);
      expect(ids(page)).toEqual([jesusCase.id, anaCase.id].sort());
    });

    it.each(['8165632206', '81 6563 2206', '+52 81 6563 2206', '+5218165632206'])(
      'finds a customer by phone in any writing: %s',
      async (q) => {
        const page = await search(q);
        expect(page.customers).toMatchObject([{ id: jesus.id, matchedOn: 'telefono', openCases: 1 }]);
        expect(ids(page)).toEqual([jesusCase.id]);
      },
    );

    it('finds a customer by e-mail and by account number', async () => {
      for (const q of ['jesus.trevino@example.test', 'JESUS.TREVINO@EXAMPLE.TEST']) {
        const page = await search(q);
        expect(page.customers).toMatchObject([{ id: jesus.id, matchedOn: 'correo' }]);
        expect(ids(page)).toEqual([jesusCase.id]);
      }
      for (const q of ['MON-0456789', 'mon-0456789']) {
        const page = await search(q);
        expect(page.customers).toMatchObject([{ id: jesus.id, matchedOn: 'cuenta' }]);
        expect(ids(page)).toEqual([jesusCase.id]);
      }
    });

    it('finds a case by folio with or without dashes, in any case, with or without its check digit', async () => {
      const folio = anaCase.folio;
      const compact = folio.replaceAll('-', '');
      for (const q of [folio, folio.toLowerCase(), compact, compact.slice(0, -1), folio.slice(0, -2)]) {
        const page = await search(q);
        expect(ids(page), q).toEqual([anaCase.id]);
        expect(page.customers).toEqual([]);
      }
    });

    it('finds cases by the words of their subject and messages, stemmed and without accents', async () => {
      expect(ids(await search('facturacion'))).toEqual([jesusCase.id]);
      expect(ids(await search('cobros'))).toEqual([jesusCase.id]);
      expect(ids(await search('senal'))).toEqual([anaCase.id]);
      expect(ids(await search('modem instalar'))).toEqual([anaCase.id]);
      expect((await search('modem')).customers).toEqual([]);
    });

    it('lists no customers without a search', async () => {
      expect((await list('limit=1')).customers).toEqual([]);
    });

    it.each([
      ['factura', 'facturación'],
      ['facturación', 'factura'],
      ['facturacion', 'factura'],
      ['señal', 'senal'],
      ['senal', 'señal'],
      ['módem', 'modem'],
      ['modem', 'módem'],
      ['cancelación', 'cancelar'],
      ['cancelar', 'cancelacion'],
      ['instalación', 'instalar'],
      ['instalar', 'instalacion'],
      ['cobro', 'cobraron'],
      ['cobraron', 'cobro'],
      ['tecnología', 'tecnologia'],
    ])('a text with "%s" is found by "%s"', async (text, query) => {
      const [row] = await queryRows<{ found: boolean }>(
        app.atiende.ctx.db,
        sql`select atiende_search_vector(${`Cliente reporta ${text} en su domicilio`}) @@ atiende_search_query(${query}) as found`,
      );
      expect(row?.found).toBe(true);
    });
  });
});
