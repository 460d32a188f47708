import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '../auth/system-rules.ts';
import { makeCustomer } from '../customers/customers.factories.ts';
import { ledgerEntries, services } from '../db/schema.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../test/databases.ts';
import { amountDue, type LedgerEntry } from './billing-cycle.ts';
import { accountStatement, postLedgerEntries } from './ledger.service.ts';

const actor = systemActor('linea_de_comandos');

describeEachDatabase('the ledger in the database', (kind) => {
  let database: TestDatabase;
  const db = () => database.handle.db;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database?.dispose());

  const newService = async (cutoffDay: number) => {
    const { customer } = await makeCustomer(db());
    const [service] = await db()
      .insert(services)
      .values({ customerId: customer.id, status: 'activo', cutoffDay })
      .returning();
    if (!service) throw new Error('no service');
    return service.id;
  };

  it('refuses UPDATE, DELETE and TRUNCATE of entries, and an amount whose sign does not fit its kind', async () => {
    const serviceId = await newService(10);
    const [entry] = await postLedgerEntries(
      db(),
      [{ serviceId, kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-11-01' }],
      actor,
    );
    if (!entry) throw new Error('no entry');
    await expect(
      db().update(ledgerEntries).set({ amountCentavos: 1 }).where(eq(ledgerEntries.id, entry.id)),
    ).rejects.toThrow();
    await expect(db().delete(ledgerEntries).where(eq(ledgerEntries.id, entry.id))).rejects.toThrow();
    await expect(db().execute(sql`truncate ledger_entries`)).rejects.toThrow();
    for (const [wrongKind, amount] of [
      ['pago', 100],
      ['bonificacion', 100],
      ['cargo', -100],
      ['reembolso', -100],
      ['ajuste', 0],
    ] as const) {
      await expect(
        db().insert(ledgerEntries).values({
          serviceId,
          kind: wrongKind,
          amountCentavos: amount,
          effectiveDate: '2026-11-01',
          actorKind: 'sistema',
          actorRule: 'linea_de_comandos',
        }),
        `${wrongKind} ${amount}`,
      ).rejects.toThrow();
    }
    const [row] = await db().select().from(ledgerEntries).where(eq(ledgerEntries.id, entry.id));
    expect(row?.amountCentavos).toBe(35_000);
  });

  /** Ledgers around a cut-off, with entries scheduled after today: the database's sums must match the pure rule. */
  const CASES: Array<{
    name: string;
    cutoffDay: number;
    today: string;
    entries: Array<[string, LedgerEntry['kind'], number]>;
    expected: { balance: number; due: number; credit: number };
  }> = [
    {
      name: 'cut-off next month, a charge scheduled after the month end but before it',
      cutoffDay: 5,
      today: '2026-01-28',
      entries: [
        ['2026-01-05', 'cargo', 35_000],
        ['2026-01-10', 'pago', -35_000],
        ['2026-02-03', 'cargo', 35_000],
        ['2026-02-06', 'cargo', 35_000],
      ],
      expected: { balance: 0, due: 35_000, credit: 0 },
    },
    {
      name: 'cut-off day 31 in February of a leap year, a credit scheduled on the cut-off',
      cutoffDay: 31,
      today: '2028-02-10',
      entries: [
        ['2028-01-31', 'cargo', 49_900],
        ['2028-02-29', 'bonificacion', -10_000],
        ['2028-03-01', 'cargo', 49_900],
      ],
      expected: { balance: 49_900, due: 39_900, credit: 0 },
    },
    {
      name: 'saldo a favor after an overpayment and a refund',
      cutoffDay: 15,
      today: '2026-12-15',
      entries: [
        ['2026-11-15', 'cargo', 35_000],
        ['2026-11-20', 'pago', -50_000],
        ['2026-12-01', 'reembolso', 5_000],
        ['2026-12-15', 'ajuste', -1],
      ],
      expected: { balance: -10_001, due: 0, credit: 10_001 },
    },
    {
      name: 'today is the cut-off day: entries later that month wait for the next period',
      cutoffDay: 20,
      today: '2026-04-20',
      entries: [
        ['2026-04-20', 'cargo', 35_000],
        ['2026-04-21', 'cargo', 35_000],
      ],
      expected: { balance: 35_000, due: 35_000, credit: 0 },
    },
  ];

  it.each(CASES)('balance and amount due from SQL equal the pure rule: $name', async (c) => {
    const serviceId = await newService(c.cutoffDay);
    const entries = c.entries.map(([effectiveDate, entryKind, amountCentavos]) => ({
      serviceId,
      kind: entryKind,
      amountCentavos,
      effectiveDate,
    }));
    await postLedgerEntries(db(), entries, actor);
    const statement = await accountStatement(db(), serviceId, c.today);
    const { movements: _, serviceId: __, cutoffDay: ___, ...fromSql } = statement;
    expect(fromSql).toEqual(amountDue(entries, c.today, c.cutoffDay));
    expect({
      balance: fromSql.balanceCentavos,
      due: fromSql.amountDueCentavos,
      credit: fromSql.creditCentavos,
    }).toEqual(c.expected);
  });
});
