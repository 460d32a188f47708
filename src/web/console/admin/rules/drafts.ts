import type { RequestType } from '../../../shared/types.ts';

/** A phrase rule as its form holds it: one phrase a line, no subtype as an empty text. */
export interface PhraseRuleDraft {
  requestType: RequestType;
  subtype: string;
  phrasesText: string;
}

/** A list typed as text, split on commas or line breaks, blanks dropped. */
export const splitList = (text: string) =>
  text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);

/** The list with the item at `from` moved to `to`; out-of-range moves change nothing. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= items.length || from < 0 || from >= items.length) return [...items];
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

/** The profile's phrase rules from their forms; phrases are one a line, since a phrase may hold a comma. */
export const phraseRulesFromDrafts = (drafts: readonly PhraseRuleDraft[]) =>
  drafts.map((draft) => ({
    requestType: draft.requestType,
    ...(draft.subtype.trim() ? { subtype: draft.subtype.trim() } : {}),
    phrases: draft.phrasesText
      .split('\n')
      .map((phrase) => phrase.trim())
      .filter(Boolean),
  }));

const LONGEST_VALUE = 300;

/** A setting's value as a change table shows it: text as it is, anything else as JSON, long ones cut. */
export function showValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > LONGEST_VALUE ? `${text.slice(0, LONGEST_VALUE)}…` : text;
}
