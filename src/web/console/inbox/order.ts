// The folios of the inbox as last shown, so "next case" follows the order the agent was working in.
let lastOrder: string[] = [];

export function rememberInboxOrder(folios: string[]) {
  lastOrder = folios;
}

/** The folio after `current` in the last inbox shown; the first one when `current` is not in it. */
export function nextFolio(current: string): string | undefined {
  const index = lastOrder.indexOf(current);
  return index === -1 ? lastOrder.find((f) => f !== current) : lastOrder[index + 1];
}
