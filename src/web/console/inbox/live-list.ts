import type { Case } from '../../shared/types.ts';
import type { InboxSort } from './query.ts';

// The server's order: nearest pending deadline first, or newest first. A case with no running deadline
// (met, paused, none) has a place only the server knows, so such a case is never placed here.
const sortKey = (item: Case, sort: InboxSort): number | undefined => {
  if (sort === 'recientes') return -new Date(item.createdAt).getTime();
  const nearest = item.nearestDeadline;
  if (!nearest || nearest.state === 'pausado') return undefined;
  return new Date(nearest.dueAt).getTime();
};

/**
 * The loaded rows with `item` put where the server would list it (replacing an older copy of it). A case
 * that falls after the last loaded row while more pages remain is left out: it comes with "Cargar más".
 * Undefined when its place cannot be told, so the caller reloads.
 */
export function placeCase(items: Case[], item: Case, sort: InboxSort, complete: boolean): Case[] | undefined {
  const rest = items.filter((other) => other.id !== item.id);
  const key = sortKey(item, sort);
  if (key === undefined) return undefined;
  const index = rest.findIndex((other) => {
    const otherKey = sortKey(other, sort);
    return otherKey === undefined || key < otherKey;
  });
  if (index === -1) return complete ? [...rest, item] : rest;
  return [...rest.slice(0, index), item, ...rest.slice(index)];
}

/** Rows appended from a further page, once per case: a row placed live may come again with the page. */
export function appendPage(items: Case[], page: Case[]): Case[] {
  const seen = new Set(items.map((item) => item.id));
  return [...items, ...page.filter((item) => !seen.has(item.id))];
}
