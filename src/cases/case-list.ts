import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { queryRows, type Tx } from '../db/database.ts';
import { cases } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { isAcceptedInstant } from '../http/instant.ts';
import { deadlinesOf } from '../sla/deadlines.service.ts';
import { presentCase, selectCases } from './case-presenters.ts';
import { findCustomers, parseSearch, searchCaseRows } from './case-search.ts';
import type { CustomerMatch, ListCasesQuery } from './cases.schema.ts';
import { OPEN_STATUSES } from './lifecycle.ts';

type ReadDeps = Pick<AppContext, 'db' | 'settings'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Where a page ended, in the order of its sort: newest first by creation, or nearest due first. */
type Cursor =
  | { sort: 'recientes'; createdAt: string; id: string }
  | { sort: 'plazo'; dueAt: string | null; id: string };

const encode = (value: unknown[]) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An instant as ISO 8601 text, so both drivers hand raw rows the same thing. */
const instant = (column: SQL) => sql<string | null>`to_json(${column}) #>> '{}'`;

type PageKey = { id: string; createdAt: string; nextDueAt: string | null };

// Instants go into the cursor as PostgreSQL wrote them: a JavaScript Date keeps milliseconds only, and
// a row stored with microseconds would compare after its own truncated instant and come back again.
function encodeCursor(sort: ListCasesQuery['sort'], row: PageKey) {
  return sort === 'plazo' ? encode(['plazo', row.nextDueAt, row.id]) : encode([row.createdAt, row.id]);
}

/** A cursor this API issued for this sort, or a 400 naming the field. */
function decodeCursor(cursor: string, sort: ListCasesQuery['sort']): Cursor {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (!Array.isArray(decoded)) throw new Error('bad cursor');
    if (sort === 'plazo') {
      const [tag, dueAt, id] = decoded;
      if (decoded.length !== 3 || tag !== 'plazo') throw new Error('bad cursor');
      if (dueAt !== null && (typeof dueAt !== 'string' || !isAcceptedInstant(dueAt)))
        throw new Error('bad cursor');
      if (typeof id !== 'string' || !UUID.test(id)) throw new Error('bad cursor');
      return { sort, dueAt, id };
    }
    const [createdAt, id] = decoded;
    if (decoded.length !== 2) throw new Error('bad cursor');
    if (typeof createdAt !== 'string' || !isAcceptedInstant(createdAt)) throw new Error('bad cursor');
    if (typeof id !== 'string' || !UUID.test(id)) throw new Error('bad cursor');
    return { sort, createdAt, id };
  } catch {
    throw new AppError('request.invalid', {
      status: 400,
      field: 'cursor',
      detail: 'Not a cursor this API issued for this sort',
    });
  }
}

/** Rows after the cursor, in the sort's order (nearest due first, cases without a due date last). */
function afterCursor(cursor: Cursor): SQL {
  if (cursor.sort === 'recientes') {
    const at = sql`${cursor.createdAt}::timestamptz`;
    return sql`(${cases.createdAt} < ${at} or (${cases.createdAt} = ${at} and ${cases.id} < ${cursor.id}))`;
  }
  if (cursor.dueAt === null) return and(isNull(cases.nextDueAt), gt(cases.id, cursor.id)) as SQL;
  const due = sql`${cursor.dueAt}::timestamptz`;
  return sql`(${cases.nextDueAt} > ${due} or (${cases.nextDueAt} = ${due} and ${cases.id} > ${cursor.id})
    or ${cases.nextDueAt} is null)`;
}

/**
 * The state of the nearest pending deadline, from the instants kept on the case row. A deadline paused
 * before it fell due has neither instant, so it is in none of the three; one met late, or the nearest
 * pending one overdue, puts a case `fuera_de_plazo`.
 */
function deadlineCondition(filter: NonNullable<ListCasesQuery['deadline']>, now: Date): SQL {
  switch (filter) {
    case 'vencido':
      return lt(cases.nextDueAt, now);
    case 'por_vencer':
      return and(gte(cases.nextDueAt, now), lte(cases.nextWarnAt, now)) as SQL;
    case 'en_tiempo':
      return gt(cases.nextWarnAt, now);
    case 'fuera_de_plazo':
      return or(eq(cases.deadlineMetLate, true), lt(cases.nextDueAt, now)) as SQL;
  }
}

/**
 * The statements behind a list: the page's keys (one row more than asked, to know if another follows)
 * from `cases` alone, so the database stops at the page instead of joining every match first, and the
 * count of everything matching. Apart from `listCases` so that their plans can be examined.
 */
export function listStatements(tx: Tx, query: ListCasesQuery, now: Date) {
  const conditions: SQL[] = [];
  if (query.status === 'abiertos') conditions.push(inArray(cases.status, [...OPEN_STATUSES]));
  else if (query.status) conditions.push(eq(cases.status, query.status));
  if (query.areaId) conditions.push(eq(cases.areaId, query.areaId));
  if (query.areaIds)
    conditions.push(inArray(cases.areaId, [...new Set(query.areaIds.split(',').map(Number))]));
  if (query.unassigned === 'true') conditions.push(isNull(cases.assigneeId));
  if (query.unassigned === 'false') conditions.push(isNotNull(cases.assigneeId));
  if (query.assigneeId) conditions.push(eq(cases.assigneeId, query.assigneeId));
  if (query.requestType) conditions.push(eq(cases.requestType, query.requestType));
  if (query.channel) conditions.push(eq(cases.channel, query.channel));
  if (query.customerId) conditions.push(eq(cases.customerId, query.customerId));
  if (query.createdFrom) conditions.push(gte(cases.createdAt, new Date(query.createdFrom)));
  if (query.createdTo) conditions.push(lte(cases.createdAt, new Date(query.createdTo)));
  if (query.deadline) conditions.push(deadlineCondition(query.deadline, now));
  const terms = query.q ? parseSearch(query.q) : undefined;
  const cursor = query.cursor ? decodeCursor(query.cursor, query.sort) : undefined;
  const order =
    query.sort === 'plazo'
      ? [sql`${cases.nextDueAt} asc nulls last`, asc(cases.id)]
      : [desc(cases.createdAt), desc(cases.id)];
  const after = cursor ? afterCursor(cursor) : undefined;
  if (terms) {
    // The search's rows go by the name `cases`, so the cursor and the order read their columns alike.
    const found = sql`(${searchCaseRows(terms, and(...conditions))}) as cases`;
    return {
      terms,
      page: sql`select cases.id, ${instant(sql`cases.created_at`)} as "createdAt",
          ${instant(sql`cases.next_due_at`)} as "nextDueAt" from ${found}
        ${after ? sql`where ${after}` : sql``} order by ${sql.join(order, sql`, `)} limit ${query.limit + 1}`,
      count: sql`select count(*)::int as total from ${found}`,
    };
  }
  return {
    terms,
    page: tx
      .select({
        id: cases.id,
        createdAt: instant(sql`${cases.createdAt}`).as('createdAt'),
        nextDueAt: instant(sql`${cases.nextDueAt}`).as('nextDueAt'),
      })
      .from(cases)
      .where(and(...conditions, after))
      .orderBy(...order)
      .limit(query.limit + 1)
      .getSQL(),
    count: tx
      .select({ total: count().as('total') })
      .from(cases)
      .where(and(...conditions))
      .getSQL(),
  };
}

/**
 * Cases filtered, searched and sorted in the database over all of them, one page at a time by an opaque
 * cursor, with the exact count of everything matching and, for a search, the customers it names.
 */
export async function listCases(deps: ReadDeps, query: ListCasesQuery, now: Date) {
  const tx = deps.db;
  const statements = listStatements(tx, query, now);
  const { terms } = statements;
  const [rows, [counted], customers] = await Promise.all([
    queryRows<PageKey>(tx, statements.page),
    queryRows<{ total: number | string }>(tx, statements.count),
    terms ? findCustomers(tx, terms) : Promise.resolve<CustomerMatch[]>([]),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const ids = page.map((r) => r.id);
  const [views, deadlines] =
    ids.length > 0
      ? await Promise.all([selectCases(tx).where(inArray(cases.id, ids)), deadlinesOf(deps, tx, ids, now)])
      : [[], new Map()];
  const byId = new Map(views.map((view) => [view.kase.id, view]));
  return {
    items: page.flatMap((r) => {
      const view = byId.get(r.id);
      return view ? [presentCase(view, deadlines)] : [];
    }),
    nextCursor: rows.length > query.limit && last ? encodeCursor(query.sort, last) : null,
    total: Number(counted?.total ?? 0),
    customers,
  };
}
