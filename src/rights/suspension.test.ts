import { describe, expect, it } from 'vitest';
import { decideSuspension, type SuspensionFacts } from './suspension.ts';

// The due date is 2026-11-10; a row's "day d" is d calendar days after it.
const DUE = '2026-11-10';
const day = (d: number) => `2026-11-${String(10 + d).padStart(2, '0')}`;

type Notice = 'ninguno' | 'entregado' | 'no_entregable';

/**
 * What the sources say for each day past due and each notice, with no conciliation and no promise, read
 * off by hand. The notice of the table goes out on day 3; the defaults ask 5 days past due and 3 days
 * of notice, so a notice is on time from day 6 on.
 */
const BY_DAY_AND_NOTICE: Record<Notice, string[][]> = {
  ninguno: [
    ['sin_adeudo_vencido', 'dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['sin_aviso_previo'],
    ['sin_aviso_previo'],
    ['sin_aviso_previo'],
    ['sin_aviso_previo'],
  ],
  entregado: [
    ['sin_adeudo_vencido', 'dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['dias_vencidos_insuficientes', 'aviso_sin_anticipacion'],
    ['dias_vencidos_insuficientes', 'aviso_sin_anticipacion'],
    ['aviso_sin_anticipacion'],
    [],
    [],
    [],
  ],
  no_entregable: [
    ['sin_adeudo_vencido', 'dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['dias_vencidos_insuficientes', 'sin_aviso_previo'],
    ['dias_vencidos_insuficientes', 'aviso_sin_anticipacion'],
    ['dias_vencidos_insuficientes', 'aviso_sin_anticipacion'],
    ['aviso_sin_anticipacion'],
    [],
    [],
    [],
  ],
};

const NOTICE_MET: Record<Exclude<Notice, 'ninguno'>, string> = {
  entregado: 'aviso_previo_entregado',
  no_entregable: 'aviso_previo_no_entregable',
};

interface Row {
  d: number;
  notice: Notice;
  conciliation: boolean;
  promise: boolean;
  theft: boolean;
}

function expectation(row: Row): { allowed: boolean; path: string; rules: string[] } {
  if (row.theft) return { allowed: true, path: 'robo_o_extravio', rules: ['robo_o_extravio'] };
  const refused = [...(BY_DAY_AND_NOTICE[row.notice][row.d] as string[])];
  if (row.conciliation) refused.push('conciliacion_abierta');
  if (row.promise) refused.push('promesa_vigente');
  if (refused.length > 0) return { allowed: false, path: 'falta_de_pago', rules: refused };
  return {
    allowed: true,
    path: 'falta_de_pago',
    rules: [
      'adeudo_vencido',
      'dias_vencidos_cumplidos',
      NOTICE_MET[row.notice as Exclude<Notice, 'ninguno'>],
      'sin_conciliacion_abierta',
      'sin_promesa_vigente',
    ],
  };
}

function facts(row: Row): SuspensionFacts {
  return {
    today: day(row.d),
    dueDate: DUE,
    amountOwedCentavos: 35_000,
    notice: row.notice === 'ninguno' ? null : { outcome: row.notice, on: day(3) },
    conciliationOpen: row.conciliation,
    // Through day 8 inclusive: the promise is in force on every day of the table.
    promiseInForceUntil: row.promise ? day(8) : null,
    theftOrLoss: row.theft,
  };
}

const ROWS: Row[] = [];
for (let d = 0; d <= 8; d++) {
  for (const notice of ['ninguno', 'entregado', 'no_entregable'] as const) {
    for (const conciliation of [false, true]) {
      for (const promise of [false, true]) {
        for (const theft of [false, true]) ROWS.push({ d, notice, conciliation, promise, theft });
      }
    }
  }
}

describe('the suspension decision table', () => {
  it('has every combination: 9 days × 3 notices × conciliation × promise × theft', () => {
    expect(ROWS).toHaveLength(216);
  });

  it.each(ROWS)(
    'day $d, notice $notice, conciliation $conciliation, promise $promise, theft $theft',
    (row) => {
      expect(decideSuspension(facts(row))).toEqual(expectation(row));
    },
  );

  it('allows exactly the rows without theft that are 6+ days past due with a notice, no conciliation and no promise', () => {
    const allowedNonPayment = ROWS.filter((r) => !r.theft && decideSuspension(facts(r)).allowed);
    expect(allowedNonPayment).toHaveLength(3 * 2);
    expect(allowedNonPayment.every((r) => r.d >= 6 && r.notice !== 'ninguno')).toBe(true);
  });
});

describe('the suspension rules at their edges', () => {
  const base: SuspensionFacts = {
    today: day(7),
    dueDate: DUE,
    amountOwedCentavos: 35_000,
    notice: { outcome: 'entregado', on: day(0) },
    conciliationOpen: false,
    promiseInForceUntil: null,
    theftOrLoss: false,
  };

  it('allows the fifth calendar day after the due date, not the fourth', () => {
    expect(decideSuspension({ ...base, today: day(5) }).allowed).toBe(true);
    expect(decideSuspension({ ...base, today: day(4) }).rules).toEqual(['dias_vencidos_insuficientes']);
  });

  it('counts across a month end', () => {
    const facts = {
      ...base,
      dueDate: '2026-11-28',
      notice: { outcome: 'entregado' as const, on: '2026-11-28' },
    };
    expect(decideSuspension({ ...facts, today: '2026-12-02' }).rules).toEqual([
      'dias_vencidos_insuficientes',
    ]);
    expect(decideSuspension({ ...facts, today: '2026-12-03' }).allowed).toBe(true);
  });

  it('refuses when nothing is owed, or nothing is past due', () => {
    expect(decideSuspension({ ...base, amountOwedCentavos: 0 }).rules).toEqual(['sin_adeudo_vencido']);
    expect(decideSuspension({ ...base, dueDate: null, notice: null }).rules).toEqual([
      'sin_adeudo_vencido',
      'dias_vencidos_insuficientes',
      'sin_aviso_previo',
    ]);
  });

  it('takes the lead days of the notice from the settings', () => {
    const notice = { outcome: 'no_entregable' as const, on: day(5) };
    expect(decideSuspension({ ...base, notice }).rules).toEqual(['aviso_sin_anticipacion']);
    expect(decideSuspension({ ...base, notice }, { minDaysAfterDue: 5, noticeDaysBefore: 2 }).allowed).toBe(
      true,
    );
    expect(
      decideSuspension({ ...base, today: day(5) }, { minDaysAfterDue: 6, noticeDaysBefore: 3 }).rules,
    ).toEqual(['dias_vencidos_insuficientes']);
  });

  it('does not count a notice of an earlier debt', () => {
    expect(decideSuspension({ ...base, notice: { outcome: 'entregado', on: '2026-11-09' } }).rules).toEqual([
      'sin_aviso_previo',
    ]);
  });

  it('holds through the promised date and lets go the day after', () => {
    expect(decideSuspension({ ...base, promiseInForceUntil: day(7) }).rules).toEqual(['promesa_vigente']);
    expect(decideSuspension({ ...base, promiseInForceUntil: day(6) }).allowed).toBe(true);
  });

  it('suspends for theft or loss at once, even with nothing owed', () => {
    expect(
      decideSuspension({ ...base, dueDate: null, amountOwedCentavos: 0, notice: null, theftOrLoss: true }),
    ).toEqual({ allowed: true, path: 'robo_o_extravio', rules: ['robo_o_extravio'] });
  });
});
