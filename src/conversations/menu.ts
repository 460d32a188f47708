import { parseFolio } from '../cases/folio.ts';
import type { Language } from '../domain/vocabulary.ts';
import type { MenuTexts } from './menu-settings.ts';

/**
 * The self-service menu's pure part: the options, what a customer's answer means at each step, and
 * the language they write in. The service (`conversations.service.ts`) does what the answer asks.
 */

export const MENU_OPTIONS = ['falla', 'saldo', 'folio', 'contratar', 'cancelar', 'asesor'] as const;
export type MenuOption = (typeof MENU_OPTIONS)[number];

/** The number a customer types for each option; `asesor` is 0, as on every phone menu. */
export const OPTION_NUMBERS: Record<MenuOption, string> = {
  falla: '1',
  saldo: '2',
  folio: '3',
  contratar: '4',
  cancelar: '5',
  asesor: '0',
};

/** What the customer is asked at each step; `pick` steps offer a list (`choices` of the state). */
export type MenuStep =
  | 'menu'
  | 'account'
  | 'pin'
  | 'customer'
  | 'service'
  | 'folio'
  | 'cancel_kind'
  | 'confirm';

export type Answer =
  | { kind: 'human' }
  | { kind: 'language'; language: Language }
  | { kind: 'option'; option: MenuOption }
  | { kind: 'pick'; index: number }
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'text'; value: string }
  | { kind: 'misunderstood' };

/** A choice offered as a button, list row or quick reply: its id comes back in the reply. */
export interface Choice {
  id: string;
  title: string;
  description?: string;
}

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[¡!¿?.,;:]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const HUMAN_WORDS = /\b(asesor|asesora|humano|persona|agente|agent|human|operador|ejecutivo)\b/;
const YES = new Set(['si', 'yes', 'confirmo', 'si confirmo', 'yes i confirm', 'claro', 'ok', 'de acuerdo']);
const NO = new Set(['no', 'no gracias', 'cancelar', 'no thanks']);

/** The id of a pick step's n-th choice (1-based), as sent in buttons and lists. */
export const pickId = (n: number) => `menu_pick_${n}`;
export const optionId = (option: MenuOption) => `menu_${OPTION_NUMBERS[option]}`;
export const YES_ID = 'menu_si';
export const NO_ID = 'menu_no';

/**
 * What an answer means at a step. `reply` is the id of the button or row the customer tapped, when they
 * did; typed numbers work as well. Asking for a person works at every step, even in the middle of
 * giving an account number, so nobody is kept in the menu against their will.
 */
export function interpret(step: MenuStep, text: string, reply: string | undefined, choices: number): Answer {
  const folded = fold(text);
  if (reply === optionId('asesor') || folded === '0' || HUMAN_WORDS.test(folded)) return { kind: 'human' };
  if (folded === 'english' || folded === 'ingles') return { kind: 'language', language: 'en' };
  if (folded === 'espanol' || folded === 'spanish') return { kind: 'language', language: 'es' };
  switch (step) {
    case 'menu': {
      const option = MENU_OPTIONS.find((o) => reply === optionId(o) || folded === OPTION_NUMBERS[o]);
      return option ? { kind: 'option', option } : { kind: 'misunderstood' };
    }
    case 'customer':
    case 'service':
    case 'cancel_kind': {
      const tapped = reply?.startsWith('menu_pick_') ? Number(reply.slice('menu_pick_'.length)) : undefined;
      const n = tapped ?? (/^\d{1,2}$/.test(folded) ? Number(folded) : Number.NaN);
      return Number.isInteger(n) && n >= 1 && n <= choices
        ? { kind: 'pick', index: n - 1 }
        : { kind: 'misunderstood' };
    }
    case 'confirm':
      if (reply === YES_ID || YES.has(folded)) return { kind: 'yes' };
      if (reply === NO_ID || NO.has(folded)) return { kind: 'no' };
      return { kind: 'misunderstood' };
    case 'account': {
      const value = text.trim();
      return /^[A-Za-z0-9-]{3,40}$/.test(value) ? { kind: 'text', value } : { kind: 'misunderstood' };
    }
    case 'pin': {
      const value = text.trim();
      return /^\d{4,6}$/.test(value) ? { kind: 'text', value } : { kind: 'misunderstood' };
    }
    case 'folio':
      try {
        return { kind: 'text', value: parseFolio(text).folio };
      } catch {
        return { kind: 'misunderstood' };
      }
  }
}

const ENGLISH = new Set(
  'hi hello hey good morning afternoon evening i my me want need please balance help the is have internet not working account service agent thanks thank you speak talk with to can how what'.split(
    ' ',
  ),
);
const SPANISH = new Set(
  'hola buenas buenos dias tardes noches quiero necesito por favor saldo ayuda el la los las es tengo mi no funciona cuenta servicio asesor gracias hablar con un una como que de para'.split(
    ' ',
  ),
);

/** English only when the words say so more than Spanish ones do: Spanish is the provider's language. */
export function guessLanguage(text: string): Language {
  const words = fold(text).split(' ');
  const english = words.filter((w) => ENGLISH.has(w)).length;
  const spanish = words.filter((w) => SPANISH.has(w)).length;
  return english > spanish ? 'en' : 'es';
}

/** The main menu's choices, in the customer's language, in the order of their numbers. */
export function menuChoices(texts: MenuTexts): Choice[] {
  return (['falla', 'saldo', 'folio', 'contratar', 'cancelar', 'asesor'] as const).map((o) => ({
    id: optionId(o),
    title: texts.options[o],
    description: OPTION_NUMBERS[o],
  }));
}

/** The main menu as text too, so a customer whose app shows no buttons can still type a number. */
export function menuText(texts: MenuTexts): string {
  const lines = MENU_OPTIONS.map((o) => `${OPTION_NUMBERS[o]} ${texts.options[o]}`);
  return [texts.menu, ...lines].join('\n');
}

/** A numbered list of choices, as text and as buttons or rows (ids `menu_pick_<n>`). */
export function numbered(prompt: string, titles: string[]): { text: string; choices: Choice[] } {
  return {
    text: [prompt, ...titles.map((t, i) => `${i + 1} ${t}`)].join('\n'),
    choices: titles.map((title, i) => ({ id: pickId(i + 1), title })),
  };
}

/** Fills `{name}` placeholders; an unknown one is left as written. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
