/** Ten national digits, optionally after +52 (and the old mobile 1): what Mexican numbers look like. */
export function looksLikePhone(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  return digits.length === 10 || (digits.startsWith('52') && (digits.length === 12 || digits.length === 13));
}

export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
