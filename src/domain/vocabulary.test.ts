import { describe, expect, it } from 'vitest';
import type { EventKind as ServerEventKind } from '../events/events.service.ts';
import { DEADLINE_STATES as SERVER_DEADLINE_STATES } from '../sla/deadline-state.ts';
import { DEADLINE_STATES, EVENT_KINDS, type EventKind, isOneOf } from './vocabulary.ts';

// Lists the server still spells out itself must say the same as the shared ones (until they import them).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventKindsAgree: Same<EventKind, ServerEventKind> = true;

describe('the domain’s vocabulary', () => {
  it('names the same event kinds and deadline states as the server', () => {
    expect(eventKindsAgree).toBe(true);
    expect([...DEADLINE_STATES]).toEqual([...SERVER_DEADLINE_STATES]);
  });

  it('tells a known code from anything else', () => {
    expect(isOneOf(EVENT_KINDS, 'created')).toBe(true);
    expect(isOneOf(EVENT_KINDS, 'a_kind_from_the_future')).toBe(false);
    expect(isOneOf(EVENT_KINDS, 42)).toBe(false);
  });
});
