import { describe, expect, it } from 'vitest';
import { formatFolio } from '../cases/folio.ts';
import {
  type Answer,
  guessLanguage,
  interpret,
  type MenuStep,
  menuChoices,
  menuText,
  NO_ID,
  YES_ID,
} from './menu.ts';
import { defaultMenu } from './menu-settings.ts';

const folio = formatFolio('MON', 2026, 42);

describe('what an answer means at each step', () => {
  // [step, text, tapped reply id, choices offered, meaning]
  const TABLE: Array<[MenuStep, string, string | undefined, number, Answer]> = [
    ['menu', '1', undefined, 0, { kind: 'option', option: 'falla' }],
    ['menu', ' 2 ', undefined, 0, { kind: 'option', option: 'saldo' }],
    ['menu', 'Consultar un folio', 'menu_3', 0, { kind: 'option', option: 'folio' }],
    ['menu', '4', undefined, 0, { kind: 'option', option: 'contratar' }],
    ['menu', 'Cancelar o suspender', 'menu_5', 0, { kind: 'option', option: 'cancelar' }],
    ['menu', '0', undefined, 0, { kind: 'human' }],
    ['menu', 'Hablar con un asesor', 'menu_0', 0, { kind: 'human' }],
    ['menu', 'quiero un ASESOR', undefined, 0, { kind: 'human' }],
    ['menu', 'humano', undefined, 0, { kind: 'human' }],
    ['menu', 'agent please', undefined, 0, { kind: 'human' }],
    ['menu', '7', undefined, 0, { kind: 'misunderstood' }],
    ['menu', 'qué tal', undefined, 0, { kind: 'misunderstood' }],
    ['menu', 'English', undefined, 0, { kind: 'language', language: 'en' }],
    ['menu', 'español', undefined, 0, { kind: 'language', language: 'es' }],
    ['account', 'MON-12345', undefined, 0, { kind: 'text', value: 'MON-12345' }],
    ['account', 'no sé', undefined, 0, { kind: 'misunderstood' }],
    ['account', 'asesor', undefined, 0, { kind: 'human' }],
    ['pin', '4829', undefined, 0, { kind: 'text', value: '4829' }],
    ['pin', '48', undefined, 0, { kind: 'misunderstood' }],
    ['pin', '0', undefined, 0, { kind: 'human' }],
    ['service', '2', undefined, 2, { kind: 'pick', index: 1 }],
    ['service', 'Fibra 100', 'menu_pick_1', 2, { kind: 'pick', index: 0 }],
    ['service', '3', undefined, 2, { kind: 'misunderstood' }],
    ['customer', '1', undefined, 3, { kind: 'pick', index: 0 }],
    ['cancel_kind', '2', undefined, 2, { kind: 'pick', index: 1 }],
    ['cancel_kind', 'humano', undefined, 2, { kind: 'human' }],
    ['confirm', 'Sí', undefined, 0, { kind: 'yes' }],
    ['confirm', 'si', undefined, 0, { kind: 'yes' }],
    ['confirm', 'Sí, confirmo', YES_ID, 0, { kind: 'yes' }],
    ['confirm', 'No', NO_ID, 0, { kind: 'no' }],
    ['confirm', 'tal vez', undefined, 0, { kind: 'misunderstood' }],
    ['folio', folio.toLowerCase(), undefined, 0, { kind: 'text', value: folio }],
    ['folio', 'MON-2026-000042-0', undefined, 0, { kind: 'misunderstood' }],
  ];
  it.each(TABLE)('at %s, %j (reply %s, %i choices)', (step, text, reply, choices, expected) => {
    expect(interpret(step, text, reply, choices)).toEqual(expected);
  });
});

describe('the language a customer writes in', () => {
  it.each([
    ['Hola, buenas tardes', 'es'],
    ['hola', 'es'],
    ['Hello, I need help with my account', 'en'],
    ['Hi', 'en'],
    ['👍', 'es'],
    ['internet', 'en'],
    ['no tengo internet', 'es'],
  ])('%j is %s', (text, language) => {
    expect(guessLanguage(text)).toBe(language);
  });
});

describe('the main menu', () => {
  it('offers the six options in Spanish and English, numbered as typed', () => {
    const { es, en } = defaultMenu().texts;
    expect(menuText(es)).toBe(
      '¿En qué te ayudamos?\n1 Reportar una falla\n2 Consultar saldo\n3 Consultar un folio\n4 Contratar\n5 Cancelar o suspender\n0 Hablar con un asesor',
    );
    expect(menuChoices(en).map((c) => [c.id, c.title])).toEqual([
      ['menu_1', 'Report a fault'],
      ['menu_2', 'Check balance'],
      ['menu_3', 'Check a folio'],
      ['menu_4', 'Sign up'],
      ['menu_5', 'Cancel or suspend'],
      ['menu_0', 'Talk to an agent'],
    ]);
  });
});
