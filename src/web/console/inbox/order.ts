// The folios of the inbox as last shown, so "next case" follows the order the agent was working in. Kept
// for the tab's session, so reloading a case page does not lose the way back into the list.
const KEY = 'atiende.inboxOrder';
let lastOrder: string[] = [];

const stored = (): string[] => {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
};

export function rememberInboxOrder(folios: string[]) {
  lastOrder = folios;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(folios));
  } catch {
    // Storage may be refused (private browsing); the order then lasts while the page is open.
  }
}

/** The folio after `current` in the last inbox shown; the first one when `current` is not in it. */
export function nextFolio(current: string): string | undefined {
  const order = lastOrder.length > 0 ? lastOrder : stored();
  const index = order.indexOf(current);
  return index === -1 ? order.find((f) => f !== current) : order[index + 1];
}
