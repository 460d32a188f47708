import { describe, expect, it } from 'vitest';
import { titleWithCount } from './title.ts';

describe('the tab title', () => {
  it.each([
    [0, 'Atiende · Consola'],
    [3, '(3) Atiende · Consola'],
    [99, '(99) Atiende · Consola'],
    [140, '(99+) Atiende · Consola'],
  ])('with %i new cases reads %s', (count, title) => {
    expect(titleWithCount('Atiende · Consola', count)).toBe(title);
  });
});
