/**
 * The account PIN a customer gives to prove who they are on the phone or in the portal. It is short by
 * nature, so the PINs a stranger would try first are refused: the same digit, a run on the keypad's
 * digits, a repeated block, and the most common ones in leaked PIN lists.
 */

export type PinRefusal =
  | 'not_digits'
  | 'too_short'
  | 'too_long'
  | 'same_digit'
  | 'sequence'
  | 'repeated_block'
  | 'common';

export type PinCheck = { ok: true } | { ok: false; reason: PinRefusal };

export const PIN_MIN_LENGTH = 4;
export const PIN_MAX_LENGTH = 6;

/**
 * Common PINs that the rules below do not already catch. The rest of the usual list (1234, 1111, 0000,
 * 1212, 7777, 4444, 2222, 6969, 9999, 3333, 5555, 6666, 1313, 8888, 4321, 1010, 123123, 654321, 666666,
 * 696969) is refused by a rule; the test checks every one of them.
 */
const COMMON_PINS = new Set(['1004', '2000', '2001', '1122', '112233', '159753']);

/** Every step is the same +1 or −1, with 0 following 9 (7890, 9012) and 9 preceding 0 (2109). */
function isSequence(pin: string): boolean {
  const step = (i: number) => (Number(pin[i + 1]) - Number(pin[i]) + 10) % 10;
  const first = step(0);
  if (first !== 1 && first !== 9) return false;
  for (let i = 1; i < pin.length - 1; i++) if (step(i) !== first) return false;
  return true;
}

/** The PIN is a shorter block written over and over: 1212, 121212, 123123. */
function isRepeatedBlock(pin: string): boolean {
  for (let size = 2; size <= pin.length / 2; size++) {
    if (pin.length % size === 0 && pin.slice(0, size).repeat(pin.length / size) === pin) return true;
  }
  return false;
}

export function checkPin(pin: string): PinCheck {
  const refuse = (reason: PinRefusal): PinCheck => ({ ok: false, reason });
  if (!/^[0-9]*$/.test(pin)) return refuse('not_digits');
  if (pin.length < PIN_MIN_LENGTH) return refuse('too_short');
  if (pin.length > PIN_MAX_LENGTH) return refuse('too_long');
  if (/^(\d)\1*$/.test(pin)) return refuse('same_digit');
  if (isSequence(pin)) return refuse('sequence');
  if (isRepeatedBlock(pin)) return refuse('repeated_block');
  if (COMMON_PINS.has(pin)) return refuse('common');
  return { ok: true };
}
