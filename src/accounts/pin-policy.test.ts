import { describe, expect, it } from 'vitest';
import { checkPin, type PinRefusal } from './pin-policy.ts';

describe('account PINs', () => {
  it.each(['4831', '7302', '58291', '902734', '1357', '2468', '1005', '1221', '0852'])(
    'accepts %s',
    (pin) => {
      expect(checkPin(pin)).toEqual({ ok: true });
    },
  );

  it.each<[string, PinRefusal]>([
    ['', 'too_short'],
    ['123', 'too_short'],
    ['4831527', 'too_long'],
    ['12a4', 'not_digits'],
    [' 4831', 'not_digits'],
    ['4831\n', 'not_digits'],
    ['48-31', 'not_digits'],
    ['４８３１', 'not_digits'],
    ['٤٨٣١', 'not_digits'],
    ['0000', 'same_digit'],
    ['77777', 'same_digit'],
    ['999999', 'same_digit'],
    ['1234', 'sequence'],
    ['4321', 'sequence'],
    ['0123', 'sequence'],
    ['3210', 'sequence'],
    ['123456', 'sequence'],
    ['654321', 'sequence'],
    ['9876', 'sequence'],
    ['34567', 'sequence'],
    ['7890', 'sequence'],
    ['8901', 'sequence'],
    ['2109', 'sequence'],
    ['1212', 'repeated_block'],
    ['6969', 'repeated_block'],
    ['1010', 'repeated_block'],
    ['121212', 'repeated_block'],
    ['123123', 'repeated_block'],
    ['696969', 'repeated_block'],
    ['1004', 'common'],
    ['2000', 'common'],
    ['2001', 'common'],
    ['1122', 'common'],
    ['112233', 'common'],
    ['159753', 'common'],
  ])('refuses %j as %s', (pin, reason) => {
    expect(checkPin(pin)).toEqual({ ok: false, reason });
  });

  it('refuses every PIN of the usual most-common list', () => {
    const common = [
      '1234',
      '1111',
      '0000',
      '1212',
      '7777',
      '1004',
      '2000',
      '4444',
      '2222',
      '6969',
      '9999',
      '3333',
      '5555',
      '6666',
      '1122',
      '1313',
      '8888',
      '4321',
      '2001',
      '1010',
      '123123',
      '112233',
      '654321',
      '666666',
      '696969',
      '159753',
    ];
    expect(common.filter((pin) => checkPin(pin).ok)).toEqual([]);
  });

  it('refuses 124 of the 10,000 four-digit PINs, so customers keep plenty to choose from', () => {
    const refused: Partial<Record<PinRefusal, number>> = {};
    for (let n = 0; n < 10_000; n++) {
      const check = checkPin(String(n).padStart(4, '0'));
      if (!check.ok) refused[check.reason] = (refused[check.reason] ?? 0) + 1;
    }
    expect(refused).toEqual({ same_digit: 10, sequence: 20, repeated_block: 90, common: 4 });
  });
});
