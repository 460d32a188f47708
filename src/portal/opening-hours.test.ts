import { describe, expect, it } from 'vitest';
import { EXAMPLE_PROFILE_PATH } from '../config/env.ts';
import { readProfileFile } from '../config/profile.ts';
import { channelsOpenness } from './opening-hours.ts';

// Monterrey is UTC−6 all year.
const at = (local: string) => new Date(`${local}-06:00`);

describe('opening hours of the example provider', async () => {
  const settings = await readProfileFile(EXAMPLE_PROFILE_PATH);
  const phoneLine = (now: Date) => channelsOpenness(settings, now).find((c) => c.code === 'linea_atencion');

  it.each([
    ['Saturday 07:59', '2026-11-28T07:59', false],
    ['Saturday 08:00', '2026-11-28T08:00', true],
    ['Saturday 18:59', '2026-11-28T18:59', true],
    ['Saturday 19:00', '2026-11-28T19:00', false],
    ['Sunday 10:59', '2026-11-29T10:59', false],
    ['Sunday 11:00', '2026-11-29T11:00', true],
    ['Sunday 18:59', '2026-11-29T18:59', true],
    ['Sunday 19:00', '2026-11-29T19:00', false],
    ['Friday 20:59', '2026-11-27T20:59', true],
    ['Friday 21:00', '2026-11-27T21:00', false],
    ['Monday 16 Nov (rest day) 12:00', '2026-11-16T12:00', false],
  ])('(844) 688 7331 on %s: open=%s', (_label, local, open) => {
    expect(phoneLine(at(local))?.openNow).toBe(open);
  });

  it('says when a closed line opens next', () => {
    expect(phoneLine(at('2026-11-28T19:30'))?.nextOpening).toBe(at('2026-11-29T11:00').toISOString());
  });

  it('keeps the other channels open around the clock, every day', () => {
    for (const now of [at('2026-11-29T03:00'), at('2026-11-16T12:00'), at('2026-12-25T23:59')]) {
      const closed = channelsOpenness(settings, now).filter((c) => c.code !== 'linea_atencion' && !c.openNow);
      expect(closed).toEqual([]);
    }
    const whatsapp = channelsOpenness(settings, at('2026-11-29T03:00')).find((c) => c.channel === 'whatsapp');
    expect(whatsapp).toMatchObject({ alwaysOpen: true, contactPoints: [{ display: '(81) 4774 6333' }] });
  });
});
