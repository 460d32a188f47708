import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { EmailAddress } from '../config/email-address.ts';
import type { CONTACT_KIND_VALUES } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';

export type ContactKind = (typeof CONTACT_KIND_VALUES)[number];

const invalid = (field: string, detail: string) =>
  new AppError('contact_point.invalid', { status: 400, field, detail });

/**
 * Mexican national numbers are 10 digits since 2019. People (and WhatsApp ids) still carry the old
 * prefixes: `1` for mobiles after +52, `044`/`045` for mobiles and `01` for long distance dialled at
 * home. Each is dropped only when what remains is exactly 10 digits.
 */
const LEGACY_MEXICAN_PREFIXES = ['044', '045', '01', '1'];

function withoutLegacyMexicanPrefix(nationalNumber: string): string {
  for (const prefix of LEGACY_MEXICAN_PREFIXES) {
    if (nationalNumber.startsWith(prefix) && nationalNumber.length === prefix.length + 10) {
      return nationalNumber.slice(prefix.length);
    }
  }
  return nationalNumber;
}

function toE164(raw: string, field: string): string {
  const parsed = parsePhoneNumberFromString(raw, 'MX');
  if (!parsed) throw invalid(field, 'Not a phone number');
  const number =
    parsed.countryCallingCode === '52'
      ? parsePhoneNumberFromString(`+52${withoutLegacyMexicanPrefix(parsed.nationalNumber)}`)
      : parsed;
  if (!number?.isValid()) throw invalid(field, 'Not a valid phone number');
  return number.number;
}

/**
 * The one form a contact address is stored and looked up in, so the same person typed two ways is one
 * contact point: phones and WhatsApp ids in E.164 without Mexico's old mobile `1`, e-mail lower-cased,
 * Messenger page-scoped ids as digits. Refuses anything else with a 400 naming `field`.
 */
export function normalizeContactAddress(kind: ContactKind, raw: string, field = 'address'): string {
  const value = raw.trim();
  switch (kind) {
    case 'phone':
      if (!/^[\d\s()+.-]+$/.test(value)) throw invalid(field, 'A phone number has digits only');
      return toE164(value, field);
    case 'whatsapp':
      // Meta sends the id as bare digits with the country code (`5215512345678`); agents may add a `+`.
      if (!/^\+?\d{8,15}$/.test(value)) throw invalid(field, 'A WhatsApp id is the number in digits');
      return toE164(`+${value.replace(/^\+/, '')}`, field);
    case 'email': {
      const email = EmailAddress.safeParse(value);
      if (!email.success) throw invalid(field, 'Not an e-mail address');
      return email.data;
    }
    case 'messenger':
      if (!/^\d{1,32}$/.test(value)) throw invalid(field, 'A Messenger page-scoped id has digits only');
      return value;
  }
}
