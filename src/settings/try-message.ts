import { classifyRequest } from '../cases/classification.ts';
import type { RequestType } from '../cases/request-types.ts';
import { routeToArea } from '../cases/routing.ts';
import type { Profile } from '../config/profile.ts';

export interface TriedMessage {
  requestType: RequestType;
  subtype: string | null;
  /** The classification rule that gave the type (its index and phrase); null when the type was given or none matched. */
  classification: { index: number; phrase: string } | null;
  /** The routing rule that picked the area, by index; null when none matches (the profile refuses that). */
  routingRule: number | null;
  area: { code: string; name: string } | null;
}

/**
 * What the intake would make of a customer's message under the given settings: the type the phrase
 * rules read from it (unless one is given, as when the customer picks it), then the area the routing
 * rules send it to. Both steps are the modules the intake runs, so what an admin tries is what happens.
 */
export function tryMessage(
  profile: Pick<Profile, 'classification' | 'requestSubtypes' | 'routingRules' | 'areas'>,
  message: { text: string; requestType?: RequestType },
): TriedMessage {
  const classified = message.requestType ? undefined : classifyRequest(message.text, profile);
  const requestType = message.requestType ?? classified?.requestType ?? 'consulta';
  const classificationIndex = classified
    ? profile.classification.rules.findIndex(
        (rule) =>
          classifyRequest(message.text, { ...profile, classification: { rules: [rule] } }) !== undefined,
      )
    : -1;
  const request = { requestType, text: message.text };
  const routingRule = profile.routingRules.findIndex((rule) => routeToArea([rule], request) !== undefined);
  const areaCode = routeToArea(profile.routingRules, request);
  const area = profile.areas.find((a) => a.code === areaCode);
  return {
    requestType,
    subtype: classified?.subtype ?? null,
    classification: classified ? { index: classificationIndex, phrase: classified.rule } : null,
    routingRule: routingRule >= 0 ? routingRule : null,
    area: area ? { code: area.code, name: area.name } : null,
  };
}
