import type { RequestType } from './request-types.ts';

export interface RoutingRule {
  requestTypes: readonly string[];
  keywords: readonly string[];
  area: string;
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The area a request goes to: the first rule whose types include the request's (an empty list matches
 * every type) and, when it lists keywords, whose keywords appear in the text (accents and case ignored).
 */
export function routeToArea(
  rules: readonly RoutingRule[],
  request: { requestType: RequestType; text: string },
): string | undefined {
  const text = fold(request.text);
  const rule = rules.find(
    (r) =>
      (r.requestTypes.length === 0 || r.requestTypes.includes(request.requestType)) &&
      (r.keywords.length === 0 || r.keywords.some((k) => text.includes(fold(k)))),
  );
  return rule?.area;
}
