import { describe, expect, it } from 'vitest';
import { CHECK_SAMPLES } from './classification.check-samples.ts';
import { TUNING_SAMPLES } from './classification.samples.ts';
import {
  type ClassificationRule,
  ClassificationSchema,
  classificationOf,
  classifyRequest,
  DEFAULT_CLASSIFICATION_RULES,
  foldForMatching,
} from './classification.ts';
import type { RequestType } from './request-types.ts';

const SUBTYPES = [
  { type: 'falla', code: 'sin_servicio' },
  { type: 'falla', code: 'intermitencia' },
  { type: 'falla', code: 'lentitud' },
  { type: 'aclaracion', code: 'cargo_indebido' },
  { type: 'suspension', code: 'robo_extravio' },
];
const shipped = { classification: { rules: DEFAULT_CLASSIFICATION_RULES }, requestSubtypes: SUBTYPES };
const typeOf = (text: string): RequestType => classifyRequest(text, shipped)?.requestType ?? 'consulta';

/** Share of messages given their expected type, with the misses listed so a regression is readable. */
function accuracy(name: string, samples: ReadonlyArray<readonly [string, RequestType]>) {
  const misses = samples
    .map(([text, expected]) => ({
      text,
      expected,
      got: typeOf(text),
      rule: classifyRequest(text, shipped)?.rule,
    }))
    .filter((r) => r.got !== r.expected);
  const share = (samples.length - misses.length) / samples.length;
  console.log(
    `${name}: ${samples.length - misses.length}/${samples.length} = ${(share * 100).toFixed(1)}%` +
      misses.map((m) => `\n  ✗ ${m.expected} ← ${m.got} (${m.rule ?? 'no rule'}): ${m.text}`).join(''),
  );
  return share;
}

describe('classifyRequest', () => {
  it('types the tuning list of customer messages (at least 60) mostly right', () => {
    expect(TUNING_SAMPLES.length).toBeGreaterThanOrEqual(60);
    expect(accuracy('tuning list', TUNING_SAMPLES)).toBeGreaterThanOrEqual(0.85);
  });

  it('types the separately written check list (40, never tuned on) acceptably', () => {
    expect(CHECK_SAMPLES).toHaveLength(40);
    expect(accuracy('check list', CHECK_SAMPLES)).toBeGreaterThanOrEqual(0.7);
  });

  it.each([
    ['accents and case', 'NO HAY SEÑAL', 'falla', 'no hay señal'],
    ['no accents', 'no hay senal', 'falla', 'no hay señal'],
    ['repeated letters and emojis', 'el internet esta muuuy lentooo 😩😩', 'falla', 'muy lento'],
    ['a phrase across punctuation', 'sin... internet!!', 'falla', 'sin internet'],
    ['a star matching a word it begins', 'Quisiera info de sus paquetes', 'contratacion', 'paquete*'],
  ] as const)('ignores %s', (_name, text, requestType, rule) => {
    expect(classifyRequest(text, shipped)).toMatchObject({ requestType, rule });
  });

  it('matches whole words only', () => {
    expect(classifyRequest('Soy Marco, buenas tardes', shipped)).toBeUndefined();
    expect(classifyRequest('me cobraron de más', shipped)).toMatchObject({ rule: 'me cobraron' });
    expect(classifyRequest('cobrosos', shipped)).toBeUndefined();
  });

  it('lets the first matching rule win: theft before failure before complaint before billing', () => {
    expect(typeOf('me robaron el modem y no tengo internet')).toBe('suspension');
    expect(typeOf('no tengo internet y quiero poner una queja')).toBe('falla');
    expect(typeOf('pongo queja por el cobro')).toBe('queja');
  });

  it('gives the subtype only when the profile lists it for the type', () => {
    expect(classifyRequest('no tengo internet', shipped)).toEqual({
      requestType: 'falla',
      subtype: 'sin_servicio',
      rule: 'no tengo internet',
    });
    expect(classifyRequest('no tengo internet', { ...shipped, requestSubtypes: [] })).toEqual({
      requestType: 'falla',
      rule: 'no tengo internet',
    });
  });

  it('answers nothing for text no rule matches, or no text', () => {
    expect(classifyRequest('hola buenas tardes', shipped)).toBeUndefined();
    expect(classifyRequest(' 👍 ', shipped)).toBeUndefined();
  });

  it('follows the profile rules, not only the shipped ones', () => {
    const rules: ClassificationRule[] = [{ requestType: 'queja', phrases: ['ya me cansé'] }];
    expect(classifyRequest('Ya me canse de esperar', { ...shipped, classification: { rules } })).toEqual({
      requestType: 'queja',
      rule: 'ya me cansé',
    });
  });

  it('refuses phrases that could match too much', () => {
    const rule = (phrases: string[]) => ({ rules: [{ requestType: 'falla', phrases }] });
    expect(ClassificationSchema.safeParse(rule(['lent*'])).success).toBe(true);
    expect(ClassificationSchema.safeParse(rule(['a*'])).error?.issues[0]?.path).toEqual([
      'rules',
      0,
      'phrases',
      0,
    ]);
    expect(ClassificationSchema.safeParse(rule(['!!'])).success).toBe(false);
    expect(ClassificationSchema.safeParse(rule(['co*bro'])).success).toBe(false);
  });
});

describe('foldForMatching', () => {
  it('keeps letters and digits, folded', () => {
    expect(foldForMatching('¿Cuánto DEBO?  Pagué $350 🙏')).toBe('cuanto debo pague 350');
  });
});

describe('classificationOf', () => {
  it('reads what the intake recorded, and nothing else', () => {
    expect(classificationOf({ classification: { requestType: 'falla', rule: 'sin internet' } })).toEqual({
      requestType: 'falla',
      subtype: null,
      rule: 'sin internet',
    });
    expect(classificationOf({ sender: {} })).toBeNull();
    expect(classificationOf(null)).toBeNull();
  });
});
