import { describe, expect, it } from 'vitest';
import type { Deadline, NearestDeadline } from '../../shared/types.ts';
import { deadlineLabel } from './deadline.ts';

const HOUR = 3_600_000;
const now = Date.parse('2026-11-25T12:00:00Z');
const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();

const deadline = (patch: Partial<Deadline>): Deadline => ({
  dueAt: at(HOUR),
  state: 'en_tiempo',
  remainingMs: HOUR,
  metAt: null,
  lateByMs: null,
  target: { amount: 1, unit: 'days', clock: 'business' },
  source: 'test',
  ...patch,
});
const nearest = (kind: NearestDeadline['kind'], patch: Partial<Deadline>): NearestDeadline => ({
  ...deadline(patch),
  kind,
});
const kase = (
  near: NearestDeadline | null,
  primera_respuesta: Deadline | null = null,
  resolucion: Deadline | null = null,
) => ({ nearestDeadline: near, deadlines: { primera_respuesta, resolucion } });

describe('the deadline column', () => {
  it('names the pending deadline and the time left or past', () => {
    expect(deadlineLabel(kase(nearest('primera_respuesta', { dueAt: at(2 * HOUR) })), now)).toEqual({
      tone: 'en_tiempo',
      kind: 'primera_respuesta',
      text: 'dueIn',
      duration: '2 h',
    });
    expect(
      deadlineLabel(kase(nearest('resolucion', { dueAt: at(-5.5 * HOUR), state: 'vencido' })), now),
    ).toEqual({ tone: 'vencido', kind: 'resolucion', text: 'overdueBy', duration: '5 h 30 min' });
  });

  it('shows a first response overdue even when the resolution is far off', () => {
    const label = deadlineLabel(
      kase(
        nearest('primera_respuesta', { dueAt: at(-HOUR), state: 'vencido' }),
        deadline({ dueAt: at(-HOUR), state: 'vencido' }),
        deadline({ dueAt: at(16 * HOUR) }),
      ),
      now,
    );
    expect(label).toMatchObject({ tone: 'vencido', kind: 'primera_respuesta', text: 'overdueBy' });
  });

  it('says a paused deadline is paused', () => {
    expect(deadlineLabel(kase(nearest('resolucion', { state: 'pausado' })), now)).toEqual({
      tone: 'pausado',
      kind: 'resolucion',
      text: 'paused',
    });
  });

  it('tells a met deadline met on time from one met late, naming the longest delay', () => {
    const onTime = deadline({ metAt: at(-HOUR), lateByMs: null });
    expect(deadlineLabel(kase(null, onTime, onTime), now)).toEqual({ tone: 'met', text: 'metOnTime' });
    const late = deadline({ metAt: at(-HOUR), lateByMs: 49 * 24 * HOUR });
    expect(deadlineLabel(kase(null, deadline({ metAt: at(-HOUR), lateByMs: 3 * HOUR }), late), now)).toEqual({
      tone: 'met_late',
      text: 'metLate',
      duration: '49 d',
    });
  });

  it('says so when a case has no deadline', () => {
    expect(deadlineLabel(kase(null), now)).toEqual({ tone: 'none', text: 'none' });
  });
});
