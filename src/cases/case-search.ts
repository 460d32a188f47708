import { type SQL, sql } from 'drizzle-orm';
import { normalizeContactAddress } from '../customers/contact-points.ts';
import { queryRows, type Tx } from '../db/database.ts';
import type { CustomerMatch } from './cases.schema.ts';
import { dammCheckDigit, formatFolio } from './folio.ts';

/** What one search box's text can be: each kind is looked up by its own index. */
export interface SearchTerms {
  /** Canonical folios the text may be (with or without its check digit). */
  folios: string[];
  /** E.164, when the text is a phone number in any writing. */
  phone: string | null;
  email: string | null;
  accountNumbers: string[];
  /** Parts of a name, each of at least three letters (what a trigram index can look up). */
  nameParts: string[];
  /** Words of the case's subject and messages, for the full-text index (unless the text is a folio, phone or e-mail). */
  text: string;
}

const MIN_NAME_PART = 3;

/** The folios a typed text can stand for: any case, dashes or spaces, with or without the check digit. */
function folioCandidates(input: string): string[] {
  const match = /^([A-Z]{2,6})(\d{4})(\d{6,13})$/.exec(input.toUpperCase().replace(/[\s-]/g, ''));
  if (!match) return [];
  const [, prefix = '', year = '', digits = ''] = match;
  const candidates = new Set<string>();
  const add = (sequence: string) => {
    // Only the canonical writing of a sequence (zero-padded to six digits) names a folio.
    if (sequence.length > 12 || String(Number(sequence)).padStart(6, '0') !== sequence) return;
    candidates.add(formatFolio(prefix, Number(year), Number(sequence)));
  };
  add(digits);
  const sequence = digits.slice(0, -1);
  if (sequence.length >= 6 && dammCheckDigit(`${year}${sequence}`) === Number(digits.slice(-1)))
    add(sequence);
  return [...candidates];
}

const tryNormalize = (kind: 'phone' | 'email', value: string) => {
  try {
    return normalizeContactAddress(kind, value);
  } catch {
    return null;
  }
};

/** Reads the search text once into every kind of thing it could be. */
export function parseSearch(q: string): SearchTerms {
  const text = q.trim();
  const digits = text.replace(/\D/g, '').length;
  const looksLikePhone = /^[\d\s()+.-]+$/.test(text) && digits >= 8 && digits <= 15;
  const single = !/\s/.test(text) && text.length <= 64;
  const letters = (word: string) => word.normalize('NFD').replace(/[^\p{L}\p{N}]/gu, '').length;
  return {
    folios: folioCandidates(text),
    phone: looksLikePhone ? tryNormalize('phone', text) : null,
    email: text.includes('@') ? tryNormalize('email', text) : null,
    accountNumbers: single ? [...new Set([text, text.toUpperCase()])] : [],
    nameParts:
      /\p{L}/u.test(text) && !text.includes('@')
        ? text.split(/\s+/).filter((word) => letters(word) >= MIN_NAME_PART)
        : [],
    text,
  };
}

const likePart = (part: string) => `%${part.replace(/[\\%_]/g, '\\$&')}%`;

/** Active customers whose name (lower case, accents folded) contains every part: the trigram index. */
const nameMatches = (parts: string[]) =>
  sql.join(
    [
      sql`cu.merged_into_id is null`,
      ...parts.map((part) => sql`atiende_name_key(cu.name) like atiende_name_key(${likePart(part)})`),
    ],
    sql` and `,
  );

const PHONE_KINDS = sql`('phone', 'whatsapp')`;

/**
 * The cases a search finds, passing `filters` (conditions on `cases`), as one UNION of index lookups —
 * folio, the cases of customers found by account, phone, e-mail or name, and the full-text indexes of
 * subjects and messages — each branch reading `cases` through its own index, so no lookup forces a scan
 * of another table and no join over every case follows. Rows carry the keys lists sort and page by.
 */
export function searchCaseRows(terms: SearchTerms, filters: SQL | undefined): SQL {
  const branches: SQL[] = [];
  const branch = (from: SQL, where: SQL) =>
    branches.push(
      sql`select cases.id, cases.created_at, cases.next_due_at from ${from} where ${where}${
        filters ? sql` and ${filters}` : sql``
      }`,
    );
  const list = (values: string[]) =>
    sql.join(
      values.map((v) => sql`${v}`),
      sql`, `,
    );
  if (terms.folios.length > 0) branch(sql`cases`, sql`cases.folio in (${list(terms.folios)})`);
  if (terms.accountNumbers.length > 0)
    branch(
      sql`customers cu join cases on cases.customer_id = cu.id`,
      sql`cu.account_number in (${list(terms.accountNumbers)})`,
    );
  if (terms.phone)
    branch(
      sql`contact_points cp join cases on cases.customer_id = cp.customer_id`,
      sql`cp.kind in ${PHONE_KINDS} and cp.address = ${terms.phone}`,
    );
  if (terms.email)
    branch(
      sql`contact_points cp join cases on cases.customer_id = cp.customer_id`,
      sql`cp.kind = 'email' and cp.address = ${terms.email}`,
    );
  if (terms.nameParts.length > 0)
    branch(sql`customers cu join cases on cases.customer_id = cu.id`, nameMatches(terms.nameParts));
  // A folio, phone or e-mail is looked up exactly; its pieces as words would only add noise and time.
  if (terms.folios.length === 0 && !terms.phone && !terms.email) {
    const query = sql`atiende_search_query(${terms.text})`;
    branch(sql`cases`, sql`atiende_search_vector(cases.folio || ' ' || cases.subject) @@ ${query}`);
    branch(
      sql`messages m join cases on cases.id = m.case_id`,
      sql`atiende_search_vector(m.body) @@ ${query}`,
    );
  }
  return sql.join(branches, sql` union `);
}

const MAX_CUSTOMERS = 10;
// Enough name matches to rank before keeping the best ten.
const NAME_CANDIDATES = 50;

/**
 * The customers a search names, best first: exact matches on account number, phone and e-mail, then
 * names by trigram similarity; each with how it matched and its cases still open.
 */
export async function findCustomers(tx: Tx, terms: SearchTerms): Promise<CustomerMatch[]> {
  const statement = customersStatement(terms);
  if (!statement) return [];
  const rows = await queryRows<{
    id: string;
    name: string | null;
    account_number: string | null;
    matched_on: CustomerMatch['matchedOn'];
    open_cases: number;
  }>(tx, statement);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    accountNumber: r.account_number,
    matchedOn: r.matched_on,
    openCases: Number(r.open_cases),
  }));
}

/** The statement behind `findCustomers`, or null when the text can name no customer. */
export function customersStatement(terms: SearchTerms): SQL | null {
  const branches: SQL[] = [];
  if (terms.accountNumbers.length > 0)
    branches.push(sql`select cu.id, 0 as rank, 'cuenta' as matched_on, 1::real as score from customers cu
      where cu.merged_into_id is null and cu.account_number in (${sql.join(
        terms.accountNumbers.map((a) => sql`${a}`),
        sql`, `,
      )})`);
  if (terms.phone)
    branches.push(sql`select cp.customer_id as id, 1 as rank, 'telefono' as matched_on, 1::real as score from contact_points cp
      where cp.kind in ${PHONE_KINDS} and cp.address = ${terms.phone}`);
  if (terms.email)
    branches.push(sql`select cp.customer_id as id, 2 as rank, 'correo' as matched_on, 1::real as score from contact_points cp
      where cp.kind = 'email' and cp.address = ${terms.email}`);
  if (terms.nameParts.length > 0)
    branches.push(sql`(select cu.id, 3 as rank, 'nombre' as matched_on,
        similarity(atiende_name_key(cu.name), atiende_name_key(${terms.text})) as score
      from customers cu where ${nameMatches(terms.nameParts)}
      order by score desc limit ${NAME_CANDIDATES})`);
  if (branches.length === 0) return null;
  return sql`with matched as (${sql.join(branches, sql` union all `)}),
      best as (select distinct on (id) id, rank, matched_on, score from matched order by id, rank, score desc)
    select best.id, cu.name, cu.account_number, best.matched_on,
      (select count(*) from cases c where c.customer_id = best.id
        and c.status not in ('resuelto', 'cerrado', 'descartado'))::int as open_cases
    from best join customers cu on cu.id = best.id
    order by best.rank, best.score desc, cu.name nulls last, cu.id
    limit ${MAX_CUSTOMERS}`;
}
