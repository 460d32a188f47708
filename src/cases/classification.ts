import { z } from 'zod';
import { REQUEST_TYPES, type RequestType } from './request-types.ts';

/**
 * Text as the rules see it: accents and case dropped ("Señal" → "senal"), anything but letters and
 * digits a space (emojis, punctuation), and a letter typed three or more times once ("lentooo" → "lento").
 */
export const foldForMatching = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/([a-z])\1{2,}/g, '$1')
    .trim();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A phrase's words, folded; a word ending in `*` keeps its star: it matches any word it begins. */
const phraseWords = (phrase: string) =>
  phrase
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => (word.endsWith('*') ? `${foldForMatching(word.slice(0, -1))}*` : foldForMatching(word)))
    .filter((word) => word !== '' && word !== '*');

const MIN_STEM = 3;

const ClassificationPhrase = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((phrase) => phraseWords(phrase).length > 0, 'needs a letter or digit')
  .refine(
    (phrase) =>
      phrase
        .split(/\s+/)
        .every(
          (word) =>
            !word.includes('*') || (/^[^*]+\*$/.test(word) && foldForMatching(word).length >= MIN_STEM),
        ),
    `* only ends a word of at least ${MIN_STEM} letters`,
  );

export const ClassificationRuleSchema = z.object({
  requestType: z.enum(REQUEST_TYPES),
  /** Used only when the profile lists it among the type's `requestSubtypes`. */
  subtype: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _')
    .optional(),
  phrases: z.array(ClassificationPhrase).min(1),
});
export type ClassificationRule = z.infer<typeof ClassificationRuleSchema>;

/**
 * The shipped rules (es-MX), in priority order: the first rule with a phrase in the message decides.
 * Theft and loss come first (the equipment is suspended at once), then data-protection and cancellation
 * requests, which a customer's right names outright; then failures, whose 24-hour repair clock matters
 * more than the complaint often wrapped around them; then complaints, billing, balance, sales,
 * suggestions and doubts. A message no rule matches stays a `consulta`.
 */
export const DEFAULT_CLASSIFICATION_RULES: ClassificationRule[] = [
  {
    requestType: 'suspension',
    subtype: 'robo_extravio',
    phrases: ['robo', 'robaron', 'me robaron', 'se robaron', 'extraví*', 'perdí el equipo'],
  },
  { requestType: 'arco', phrases: ['arco', 'datos personales', 'aviso de privacidad'] },
  {
    requestType: 'cancelacion',
    subtype: 'servicio_adicional',
    phrases: ['cancelar el servicio adicional', 'cancelar servicio adicional', 'baja del servicio adicional'],
  },
  {
    requestType: 'cancelacion',
    phrases: [
      'cancelar',
      'cancelación',
      'cancelen',
      'dar de baja',
      'darme de baja',
      'de baja',
      'ya no quiero el servicio',
      'cambiar de compañía',
    ],
  },
  {
    requestType: 'suspension',
    phrases: ['suspender', 'suspendan', 'suspenda', 'suspensión temporal'],
  },
  {
    requestType: 'falla',
    subtype: 'sin_servicio',
    phrases: [
      'sin internet',
      'sin servicio',
      'sin señal',
      'sin conexión',
      'no tengo internet',
      'no tengo servicio',
      'no tengo señal',
      'no tengo conexión',
      'no hay internet',
      'no hay señal',
      'no hay servicio',
      'no cuento con internet',
      'no cuento con servicio',
      'se fue el internet',
      'se me fue el internet',
      'se fue la señal',
      'no funciona',
      'no sirve',
      'no jala',
      'no agarra',
      'no llega la señal',
      'no me llega la señal',
      'no navega',
    ],
  },
  {
    requestType: 'falla',
    subtype: 'intermitencia',
    phrases: ['se cae', 'se me cae', 'se corta', 'se desconecta', 'intermitente', 'intermitencia'],
  },
  {
    requestType: 'falla',
    subtype: 'lentitud',
    phrases: ['muy lento', 'lento', 'lenta', 'lentísimo', 'lentitud'],
  },
  { requestType: 'falla', phrases: ['falla*', 'reporte de falla'] },
  {
    requestType: 'queja',
    phrases: [
      'queja',
      'quejas',
      'profeco',
      'pésimo servicio',
      'pésima atención',
      'mal servicio',
      'grosero',
      'grosera',
      'me colgaron',
      'nunca llegó',
      'harto',
      'harta',
      'nadie me da solución',
      'nadie me resuelve',
    ],
  },
  {
    requestType: 'aclaracion',
    subtype: 'pago_no_aplicado',
    phrases: [
      'ya pagué',
      'hice un pago',
      'hice el pago',
      'hice un depósito',
      'no me lo han aplicado',
      'no se ha aplicado',
      'no aplicaron',
      'pago no aplicado',
    ],
  },
  {
    requestType: 'aclaracion',
    subtype: 'cargo_indebido',
    phrases: [
      'cobro',
      'cobros',
      'me cobraron',
      'cobraron',
      'me están cobrando',
      'cargo',
      'cargos',
      'cargo indebido',
      'no reconozco',
      'más caro',
    ],
  },
  { requestType: 'aclaracion', phrases: ['aclaración', 'aclarar'] },
  {
    requestType: 'saldo',
    phrases: ['saldo', 'cuánto debo', 'cuánto tengo que pagar', 'adeudo', 'fecha de pago', 'fecha de corte'],
  },
  {
    requestType: 'contratacion',
    phrases: [
      'contratar',
      'contratación',
      'paquete*',
      'planes',
      'cuánto cuesta',
      'instalación',
      'cobertura',
      'cambio de domicilio',
      'cambiar de domicilio',
      'subir mi plan',
      'subir de plan',
      'cambiar de plan',
      'cambio de plan',
    ],
  },
  { requestType: 'sugerencia', phrases: ['sugerencia', 'sugiero', 'sería bueno', 'deberían'] },
  { requestType: 'duda', phrases: ['duda', 'dudas'] },
];

export const ClassificationSchema = z.object({
  /** First match wins; see `DEFAULT_CLASSIFICATION_RULES`. */
  rules: z.array(ClassificationRuleSchema).default(DEFAULT_CLASSIFICATION_RULES),
});
export type ClassificationSettings = z.infer<typeof ClassificationSchema>;

export interface Classification {
  requestType: RequestType;
  subtype?: string;
  /** The phrase that matched, as the profile writes it. */
  rule: string;
}

interface CompiledRule {
  rule: ClassificationRule;
  phrases: Array<{ phrase: string; pattern: RegExp }>;
}

// Compiled once per rule list: a settings snapshot keeps its list until the settings change.
const compiled = new WeakMap<readonly ClassificationRule[], CompiledRule[]>();

function compile(rules: readonly ClassificationRule[]): CompiledRule[] {
  const known = compiled.get(rules);
  if (known) return known;
  const result = rules.map((rule) => ({
    rule,
    phrases: rule.phrases.map((phrase) => {
      const words = phraseWords(phrase).map((word) =>
        word.endsWith('*') ? `${escapeRegExp(word.slice(0, -1))}[a-z0-9]*` : escapeRegExp(word),
      );
      // Whole words only: "cobro" is not found in "cobros", "arco" not in "marco".
      return { phrase, pattern: new RegExp(`(?:^| )${words.join(' ')}(?= |$)`) };
    }),
  }));
  compiled.set(rules, result);
  return result;
}

/**
 * The request type a customer's message asks for, by the profile's phrase rules (accents, case and
 * repeated letters ignored, whole words and phrases only): the first rule with a phrase in the text
 * decides. Undefined when none matches; the caller then opens a `consulta`. A rule's subtype is given
 * only when the profile lists it for that type.
 */
export function classifyRequest(
  text: string,
  settings: {
    classification: ClassificationSettings;
    requestSubtypes: ReadonlyArray<{ type: string; code: string }>;
  },
): Classification | undefined {
  const folded = foldForMatching(text);
  if (!folded) return undefined;
  for (const { rule, phrases } of compile(settings.classification.rules)) {
    const hit = phrases.find((p) => p.pattern.test(folded));
    if (!hit) continue;
    const subtype =
      rule.subtype &&
      settings.requestSubtypes.some((s) => s.type === rule.requestType && s.code === rule.subtype)
        ? rule.subtype
        : undefined;
    return { requestType: rule.requestType, ...(subtype ? { subtype } : {}), rule: hit.phrase };
  }
  return undefined;
}

const StoredClassification = z.object({
  requestType: z.enum(REQUEST_TYPES),
  subtype: z.string().optional(),
  rule: z.string(),
});

/**
 * The classification recorded in a case's first message (see the intake), for agents to see why the
 * case got its type; null when the type was chosen by someone rather than read from the text.
 */
export function classificationOf(
  metadata: unknown,
): { requestType: RequestType; subtype: string | null; rule: string } | null {
  const parsed = StoredClassification.safeParse(
    (metadata as { classification?: unknown } | null)?.classification,
  );
  if (!parsed.success) return null;
  return {
    requestType: parsed.data.requestType,
    subtype: parsed.data.subtype ?? null,
    rule: parsed.data.rule,
  };
}
