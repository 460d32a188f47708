import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { agentAreaIds, createAgent, updateAgent } from '../agents/agents.service.ts';
import type { Actor } from '../auth/actor.ts';
import { systemActor } from '../auth/system-rules.ts';
import { addAgentMessage } from '../cases/agent-messages.ts';
import { assignCase, transferCase } from '../cases/case-assignment.ts';
import type { CaseDeps } from '../cases/case-context.ts';
import { autoCloseResolved, changeStatus } from '../cases/case-status.ts';
import type { CaseResponse, CreateCaseRequest } from '../cases/cases.schema.ts';
import { CAUSE_REQUIRED_TYPES } from '../cases/lifecycle.ts';
import { createCase } from '../cases/open-case.ts';
import { REQUEST_TYPES, type RequestType } from '../cases/request-types.ts';
import type { DeliveryStatus } from '../channels/adapter.ts';
import { CHANNELS, type Channel } from '../channels/channel.ts';
import { CUSTOMER_SERVICE_WINDOW_MS, HUMAN_AGENT_WINDOW_MS } from '../channels/outbound-queue.ts';
import { SEND_JOB } from '../channels/outbound-send.ts';
import { MONTHS_ES } from '../channels/templates.ts';
import { ManualClock } from '../clock.ts';
import { CSAT_SEND_JOB } from '../csat/csat-job.ts';
import { createCustomer } from '../customers/customers.service.ts';
import { agents, areas, cases, customers, messages } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import {
  ASK_CUSTOMER,
  BUSINESSES,
  CLOSING_NOTES,
  COLONIAS,
  CUSTOMER_ANSWERS,
  DUPLICATE_PREFIXES,
  EMAIL_HOSTS,
  FIRST_NAMES,
  FIRST_REPLIES,
  GENERIC_TRANSFER_REASON,
  INTERNAL_NOTES,
  REOPENINGS,
  REQUESTS,
  RESOLUTIONS,
  type Request,
  SPAM,
  SURNAMES,
  TRANSFERS,
} from './demo-texts.ts';

/** Every demo agent logs in with this; printed by the CLI, so it must never guard real data. */
export const DEMO_PASSWORD = 'demo-atiende-2026';
const EMAIL_DOMAIN = 'monetmovil.com';
/** How much a run adds unless told otherwise. */
export const DEMO_SIZE = { customers: 300, cases: 400 };

export interface SeedDemoOptions {
  customers?: number;
  cases?: number;
  /** Called after each case; `total` is the number of cases (customers are quick and not counted). */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedDemoResult {
  agents: Array<{ email: string; password: string; role: string }>;
  /** Customers added, including prospects that cases from unknown contacts created. */
  customers: number;
  cases: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const HISTORY_DAYS = 60;

/** mulberry32: small, fast, and the same sequence on every platform. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    const item = list[Math.floor(this.next() * list.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  weighted<T extends string>(weights: Partial<Record<T, number>>): T {
    const entries = Object.entries(weights) as Array<[T, number]>;
    let left = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, weight] of entries) {
      left -= weight;
      if (left < 0) return value;
    }
    const last = entries.at(-1);
    if (!last) throw new Error('weighted pick from no weights');
    return last[0];
  }
}

const plain = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

// ── Agents ────────────────────────────────────────────────────────────────────────────────────────

const SUPERVISOR = { name: 'Patricia Garza Treviño', email: `patricia.garza@${EMAIL_DOMAIN}` };
const AGENT_NAMES: Array<[name: string, mailbox: string]> = [
  ['Luis Alberto Cantú Salinas', 'luis.cantu'],
  ['Karla Villarreal Elizondo', 'karla.villarreal'],
  ['Jorge Alejandro Medina Rocha', 'jorge.medina'],
  ['Diana Laura Cavazos Leal', 'diana.cavazos'],
  ['Héctor Manuel Zambrano Ibarra', 'hector.zambrano'],
  ['Brenda Montemayor Tamez', 'brenda.montemayor'],
  ['Ricardo Aguirre Guerra', 'ricardo.aguirre'],
  ['Mónica Ramírez de la Garza', 'monica.ramirez'],
  ['Iván Salazar Quiroga', 'ivan.salazar'],
  ['Lucía Fernández Arredondo', 'lucia.fernandez'],
];

interface WantedAgent {
  name: string;
  email: string;
  role: 'supervisor' | 'agent';
  areaIds: number[];
}

interface DemoAgents {
  supervisor: Actor;
  /** Agents (not the supervisor) by area id. */
  byArea: Map<number, Actor[]>;
  all: Actor[];
  credentials: SeedDemoResult['agents'];
}

/** A supervisor of every area, and agents of one area each: two for the first two areas (support and billing in the example profile, the busiest), one for the rest. */
function wantedAgents(areaIds: number[]): WantedAgent[] {
  const wanted: WantedAgent[] = [{ ...SUPERVISOR, role: 'supervisor', areaIds }];
  areaIds.forEach((areaId, index) => {
    for (let k = 0; k < (index < 2 ? 2 : 1); k++) {
      const n = wanted.length;
      const [name, mailbox] = AGENT_NAMES[n - 1] ?? [`Asesor ${n}`, `asesor${n}`];
      wanted.push({ name, email: `${mailbox}@${EMAIL_DOMAIN}`, role: 'agent', areaIds: [areaId] });
    }
  });
  return wanted;
}

/** Creates the demo agents, or reuses those a previous run made (giving back any area they lost). */
async function ensureAgents(deps: CaseDeps, areaIds: number[]): Promise<DemoAgents> {
  const wanted = wantedAgents(areaIds);
  const existing = await deps.db
    .select()
    .from(agents)
    .where(
      inArray(
        agents.email,
        wanted.map((w) => w.email),
      ),
    );
  const rows = [];
  for (const want of wanted) {
    const row = existing.find((a) => a.email === want.email);
    if (row) {
      const has = await agentAreaIds(deps.db, row.id);
      const missing = want.areaIds.filter((id) => !has.includes(id));
      if (missing.length > 0)
        await updateAgent(
          deps.db,
          row.id,
          { areaIds: [...has, ...missing] },
          deps.clock.now(),
          systemActor('datos_de_demostracion'),
        );
      rows.push({ want, row });
    } else {
      rows.push({
        want,
        row: await createAgent(
          deps.db,
          { ...want, password: DEMO_PASSWORD },
          systemActor('datos_de_demostracion'),
        ),
      });
    }
  }
  const actorOf = (row: { id: string; role: Actor['role'] }): Actor => ({
    agentId: row.id,
    role: row.role,
    via: 'session',
  });
  const [head, ...rest] = rows;
  if (!head) throw new Error('no demo supervisor');
  const byArea = new Map<number, Actor[]>();
  for (const { want, row } of rest) {
    for (const areaId of want.areaIds) byArea.set(areaId, [...(byArea.get(areaId) ?? []), actorOf(row)]);
  }
  return {
    supervisor: actorOf(head.row),
    byArea,
    all: rest.map(({ row }) => actorOf(row)),
    credentials: rows.map(({ want, row }) => ({
      email: want.email,
      password: DEMO_PASSWORD,
      role: row.role,
    })),
  };
}

// ── Customers ─────────────────────────────────────────────────────────────────────────────────────

type City = keyof typeof COLONIAS;

interface DemoCustomer {
  id: string;
  name: string;
  city: City;
  /** Ten digits, national. */
  phone: string;
  email?: string;
  messengerId?: string;
  prospect: boolean;
}

const displayPhone = (digits: string) =>
  digits.startsWith('81')
    ? `(81) ${digits.slice(2, 6)} ${digits.slice(6)}`
    : `(${digits.slice(0, 3)}) ${digits.slice(3, 6)} ${digits.slice(6)}`;

function drawPhone(random: Random, city: City): string {
  return city === 'monterrey'
    ? `81${random.int(10_000_000, 99_999_999)}`
    : `844${random.int(1_000_000, 9_999_999)}`;
}

const personName = (random: Random) =>
  `${random.pick(FIRST_NAMES)} ${random.pick(SURNAMES)} ${random.pick(SURNAMES)}`;

async function seedCustomer(deps: CaseDeps, random: Random): Promise<DemoCustomer> {
  const business = random.chance(0.08);
  const name = business ? random.pick(BUSINESSES) : personName(random);
  const city: City = random.chance(0.6) ? 'monterrey' : 'saltillo';
  const prospect = random.chance(0.08);
  const withEmail = random.chance(0.45);
  const withMessenger = random.chance(0.2);
  // A drawn account number or phone may exist from an earlier run; draw again rather than fail.
  for (let attempt = 0; ; attempt++) {
    const phone = drawPhone(random, city);
    const words = name.split(' ');
    const email = withEmail
      ? `${plain(words[0] ?? 'cliente')}.${plain(words.at(-2) ?? '')}${random.int(1, 999)}@${random.pick(EMAIL_HOSTS)}`
      : undefined;
    const messengerId = withMessenger
      ? `${random.int(1, 9)}${String(random.int(0, 999_999_999)).padStart(9, '0')}${random.int(100_000, 999_999)}`
      : undefined;
    try {
      const { customer } = await createCustomer(
        deps.db,
        {
          name,
          accountNumber: prospect ? null : `MON-${String(random.int(10_000, 999_999)).padStart(7, '0')}`,
          contactPoints: [
            { kind: 'phone', address: displayPhone(phone) },
            ...(email ? [{ kind: 'email' as const, address: email }] : []),
            ...(messengerId ? [{ kind: 'messenger' as const, address: messengerId }] : []),
          ],
        },
        systemActor('datos_de_demostracion'),
      );
      return { id: customer.id, name, city, phone, email, messengerId, prospect };
    } catch (error) {
      const taken =
        error instanceof AppError &&
        ['customer.account_number_taken', 'contact_point.taken'].includes(error.code);
      if (!taken || attempt >= 10) throw error;
    }
  }
}

// ── Cases ─────────────────────────────────────────────────────────────────────────────────────────

type Outcome =
  | 'nuevo'
  | 'asignado'
  | 'en_proceso'
  | 'en_espera_cliente'
  | 'resuelto'
  | 'cerrado'
  | 'spam'
  | 'duplicado';

interface CasePlan {
  at: number;
  type: RequestType;
  channel: Channel;
  outcome: Outcome;
  transfer: boolean;
  reopen: boolean;
}

/** The first plans pin down one of everything, so even a small run shows every type, channel and state. */
const COVERAGE: Array<{ outcome: Outcome; ageDays: number; transfer?: boolean; reopen?: boolean }> = [
  { outcome: 'cerrado', ageDays: 20 },
  { outcome: 'resuelto', ageDays: 3 },
  { outcome: 'en_espera_cliente', ageDays: 2 },
  { outcome: 'en_proceso', ageDays: 1 },
  { outcome: 'asignado', ageDays: 0.3 },
  { outcome: 'nuevo', ageDays: 0.05 },
  { outcome: 'cerrado', ageDays: 30, transfer: true },
  { outcome: 'resuelto', ageDays: 5, reopen: true },
  { outcome: 'cerrado', ageDays: 12 },
  { outcome: 'en_proceso', ageDays: 6, transfer: true },
  { outcome: 'resuelto', ageDays: 2 },
  // Past the 11 request types, so discarding does not hide a type (or the area it routes to).
  { outcome: 'spam', ageDays: 5 },
  { outcome: 'duplicado', ageDays: 4 },
];

/** Younger cases are still open; older ones mostly closed, with some backlog left behind. */
function outcomeForAge(random: Random, ageDays: number): Outcome {
  if (ageDays < 0.5) {
    return random.weighted({ nuevo: 5, asignado: 3, en_proceso: 2, en_espera_cliente: 1, spam: 0.5 });
  }
  if (ageDays < 2) {
    return random.weighted({
      nuevo: 1,
      asignado: 1.5,
      en_proceso: 4,
      en_espera_cliente: 3,
      resuelto: 2,
      spam: 0.5,
      duplicado: 0.5,
    });
  }
  // A case resolved longer ago than the reopen window would already be closed by the auto-close job.
  if (ageDays < 8) {
    return random.weighted({
      en_proceso: 2,
      en_espera_cliente: 2,
      resuelto: 5,
      cerrado: 2,
      spam: 0.5,
      duplicado: 0.5,
    });
  }
  return random.weighted({ cerrado: 12, en_proceso: 0.7, en_espera_cliente: 1, spam: 0.7, duplicado: 0.7 });
}

const TYPE_WEIGHTS: Record<RequestType, number> = {
  falla: 30,
  aclaracion: 14,
  consulta: 10,
  duda: 8,
  queja: 8,
  saldo: 8,
  contratacion: 7,
  cancelacion: 6,
  suspension: 3,
  sugerencia: 3,
  arco: 2,
};
const CHANNEL_WEIGHTS: Record<Channel, number> = {
  telefono: 35,
  whatsapp: 35,
  email: 10,
  portal: 8,
  facebook: 12,
};

/** An instant `ageDays` back, moved into the provider's opening hours (08:00–21:00 local) as most contacts are. */
function instantAtAge(random: Random, now: number, ageDays: number, zone: string): number {
  const day = now - ageDays * DAY;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(day));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = /GMT([+-]\d{2}):?(\d{2})?/.exec(part('timeZoneName'));
  const offsetMs = offset
    ? (Number(offset[1]) * 60 + Math.sign(Number(offset[1])) * Number(offset[2] ?? 0)) * MINUTE
    : 0;
  const midnight = Date.UTC(Number(part('year')), Number(part('month')) - 1, Number(part('day'))) - offsetMs;
  const at = ageDays < 1 ? day : midnight + random.int(8 * 60, 21 * 60) * MINUTE;
  return Math.min(at, now - random.int(10, 60) * MINUTE);
}

function planCases(random: Random, total: number, now: number, zone: string): CasePlan[] {
  const plans: CasePlan[] = [];
  for (let i = 0; i < total; i++) {
    const pinned = COVERAGE[i];
    // Skewed towards recent days: a live desk has more open cases from this week than from last month.
    const ageDays = pinned?.ageDays ?? HISTORY_DAYS * random.next() ** 1.6;
    plans.push({
      at: instantAtAge(random, now, ageDays, zone),
      type: REQUEST_TYPES[i] ?? random.weighted(TYPE_WEIGHTS),
      channel:
        i < CHANNELS.length * 2
          ? (CHANNELS[i % CHANNELS.length] as Channel)
          : random.weighted(CHANNEL_WEIGHTS),
      outcome: pinned?.outcome ?? outcomeForAge(random, ageDays),
      transfer: pinned?.transfer ?? random.chance(0.07),
      reopen: pinned?.reopen ?? random.chance(0.05),
    });
  }
  // In time order, so folios run with the dates like a real desk's.
  return plans.sort((a, b) => a.at - b.at);
}

type Tone = 'tu' | 'usted';
// WhatsApp and Messenger say tú; e-mail, the portal and calls keep usted (see the glossary).
const toneOf = (channel: Channel): Tone =>
  channel === 'whatsapp' || channel === 'facebook' ? 'tu' : 'usted';

type Step =
  | { kind: 'assign'; bySupervisor: boolean }
  | { kind: 'transfer' }
  | { kind: 'status'; to: 'en_proceso' | 'en_espera_cliente' }
  | { kind: 'message'; message: 'entrante' | 'saliente' | 'nota_interna'; body: string }
  | { kind: 'resolve' }
  | { kind: 'close'; auto: boolean };

function causeFor(random: Random, type: RequestType, available: string[]): string | undefined {
  const preferred =
    type === 'falla'
      ? random.weighted({ atribuible_proveedor: 5, fuerza_mayor: 2, atribuible_cliente: 1.5, sin_falla: 1.5 })
      : type === 'queja' || type === 'aclaracion'
        ? random.weighted({ atribuible_proveedor: 5, atribuible_cliente: 2, sin_falla: 2 })
        : 'informacion_proporcionada';
  if (available.includes(preferred)) return preferred;
  return CAUSE_REQUIRED_TYPES.includes(type) ? available[0] : undefined;
}

function stepsFor(
  random: Random,
  plan: CasePlan,
  reopenWindowDays: number,
): Array<{ step: Step; afterMinutes: number }> {
  const tone = toneOf(plan.channel);
  const steps: Array<{ step: Step; afterMinutes: number }> = [];
  const add = (afterMinutes: number, step: Step) => steps.push({ step, afterMinutes });
  if (plan.outcome === 'nuevo') return steps;
  add(random.int(5, 90), { kind: 'assign', bySupervisor: random.chance(0.3) });
  if (plan.transfer) add(random.int(30, 600), { kind: 'transfer' });
  if (plan.outcome === 'asignado') return steps;
  add(random.int(10, 240), { kind: 'status', to: 'en_proceso' });
  add(random.int(1, 10), { kind: 'message', message: 'saliente', body: random.pick(FIRST_REPLIES)[tone] });
  if (random.chance(0.6)) {
    // A transferred case was not what its type said, so its notes are the generic ones.
    const notes = (plan.transfer ? undefined : INTERNAL_NOTES[plan.type]) ?? INTERNAL_NOTES.default ?? [];
    add(random.int(5, 120), { kind: 'message', message: 'nota_interna', body: random.pick(notes) });
  }
  if (plan.outcome === 'en_proceso') return steps;
  if (plan.outcome === 'en_espera_cliente' || random.chance(0.4)) {
    const ask = ASK_CUSTOMER[plan.type] ?? ASK_CUSTOMER.default;
    if (ask) add(random.int(30, 600), { kind: 'message', message: 'saliente', body: ask[tone] });
    add(1, { kind: 'status', to: 'en_espera_cliente' });
    if (plan.outcome === 'en_espera_cliente') return steps;
    // Recorded by the agent (the channel adapters record it themselves); it moves the case back to en_proceso.
    add(random.int(60, 2880), { kind: 'message', message: 'entrante', body: random.pick(CUSTOMER_ANSWERS) });
  }
  add(random.int(60, 4320), { kind: 'resolve' });
  if (plan.reopen && reopenWindowDays > 0) {
    // Well inside the reopen window, or the customer's words would close the case instead.
    add(random.int(30, Math.max(30, reopenWindowDays * 720)), {
      kind: 'message',
      message: 'entrante',
      body: random.pick(REOPENINGS),
    });
    add(random.int(30, 240), {
      kind: 'message',
      message: 'saliente',
      body: random.pick(FIRST_REPLIES)[tone],
    });
    add(random.int(240, 2880), { kind: 'resolve' });
  }
  if (plan.outcome === 'resuelto') return steps;
  add(random.int(30, 1440), { kind: 'close', auto: random.chance(0.65) });
  return steps;
}

function fill(random: Random, text: string, city: City, at: number, zone: string): string {
  const month = Number(
    new Intl.DateTimeFormat('en', { timeZone: zone, month: 'numeric' }).format(new Date(at)),
  );
  return text
    .replaceAll('{colonia}', random.pick(COLONIAS[city]))
    .replaceAll('{mes}', MONTHS_ES[(month + 10) % 12] ?? 'el mes pasado')
    .replaceAll('{monto}', `$${random.int(3, 12) * 50}.00 MXN`)
    .replaceAll('{dias}', String(random.int(2, 4)));
}

interface OpenedCase {
  folio: string;
  at: number;
  customerId: string;
  channel: Channel;
  type: RequestType;
  text: string;
}

/** What one run works with: the back-dating clock and everything drawn before the cases. */
interface Seeding {
  /** The caller's dependencies with the back-dating clock. */
  deps: CaseDeps;
  clock: ManualClock;
  random: Random;
  settings: ProviderSettings;
  areaRows: Array<{ id: number; code: string }>;
  team: DemoAgents;
  people: DemoCustomer[];
  /** Nothing is dated after this. */
  limit: number;
  opened: OpenedCase[];
  /** Every case this run opened, discarded ones included. */
  caseIds: string[];
}

const agentOf = (s: Seeding, areaId: number) =>
  s.random.pick(s.team.byArea.get(areaId) ?? [s.team.supervisor]);

/** The request a customer (or the agent who took their call) sends through the plan's channel. */
function newRequest(s: Seeding, plan: CasePlan): CreateCaseRequest {
  const { random, settings } = s;
  const template: Request = random.pick(REQUESTS.filter((r) => r.type === plan.type));
  const subtype =
    template.subtype &&
    settings.requestSubtypes.some((t) => t.type === plan.type && t.code === template.subtype)
      ? template.subtype
      : undefined;
  const known = s.people.filter((p) => !p.prospect);
  const prospects = s.people.filter((p) => p.prospect);
  const wantsProspect = plan.type === 'contratacion' && random.chance(0.6);
  const pool = wantsProspect && prospects.length > 0 ? prospects : known.length > 0 ? known : s.people;
  let person = random.pick(pool);
  if (plan.channel === 'email' && !person.email) person = pool.find((p) => p.email) ?? person;
  const channel = plan.channel === 'email' && !person.email ? 'whatsapp' : plan.channel;
  const base = {
    requestType: plan.type,
    channel,
    ...(subtype ? { subtype } : {}),
    ...(template.priority ? { priority: template.priority } : {}),
    description: fill(random, template.text, person.city, plan.at, settings.provider.timeZone),
  };
  switch (channel) {
    case 'telefono':
      return person.prospect
        ? {
            ...base,
            contact: { kind: 'phone', address: displayPhone(person.phone) },
            customerName: person.name,
          }
        : { ...base, customerId: person.id };
    case 'whatsapp':
      // Meta still sends many Mexican mobiles with the old `1` after 52.
      return {
        ...base,
        contact: { kind: 'whatsapp', address: `${random.chance(0.5) ? '521' : '52'}${person.phone}` },
        customerName: person.name,
      };
    case 'email':
      return { ...base, contact: { kind: 'email', address: person.email ?? '' }, customerName: person.name };
    case 'facebook':
      // Without a known Messenger id the sender becomes a new prospect, as on the real page.
      return {
        ...base,
        contact: { kind: 'messenger', address: person.messengerId ?? String(random.int(1e9, 1e10 - 1)) },
        customerName: person.messengerId ? person.name : personName(random),
      };
    case 'portal':
      return { ...base, customerId: person.id };
  }
}

function spamRequest(random: Random): CreateCaseRequest {
  const facebook = random.chance(0.5);
  return {
    requestType: 'consulta',
    channel: facebook ? 'facebook' : 'whatsapp',
    contact: facebook
      ? { kind: 'messenger', address: String(random.int(1e9, 1e10 - 1)) }
      : { kind: 'whatsapp', address: `52${drawPhone(random, 'monterrey')}` },
    customerName: personName(random),
    description: random.pick(SPAM),
  };
}

/** Opens a case that is discarded soon after: spam, or the customer writing again about an open case. */
async function openDiscarded(s: Seeding, plan: CasePlan): Promise<void> {
  const { random, clock } = s;
  const original =
    plan.outcome === 'duplicado' ? s.opened.filter((c) => c.at + 15 * MINUTE < s.limit).at(-1) : undefined;
  const start = original
    ? Math.min(Math.max(plan.at, original.at + random.int(15, 180) * MINUTE), s.limit)
    : plan.at;
  const request: CreateCaseRequest = original
    ? {
        requestType: original.type,
        channel: original.channel,
        customerId: original.customerId,
        description: random.pick(DUPLICATE_PREFIXES) + original.text,
      }
    : spamRequest(random);
  clock.set(new Date(start));
  const kase = await createCase(
    s.deps,
    request,
    request.channel === 'telefono' ? random.pick(s.team.all) : null,
  );
  s.caseIds.push(kase.id);
  clock.set(new Date(Math.min(start + random.int(10, 240) * MINUTE, s.limit)));
  await changeStatus(
    s.deps,
    kase.folio,
    original
      ? { status: 'descartado', discardReason: 'duplicado', duplicateOfFolio: original.folio }
      : { status: 'descartado', discardReason: 'spam' },
    agentOf(s, kase.area.id),
  );
}

/**
 * An agent's reply as the chat channels allow it: WhatsApp takes free text only within 24 hours of the
 * customer's last message (a follow-up template after that), Messenger only within 7 days (after that
 * the agent would write through another contact point, so the demo leaves it out).
 */
async function reply(s: Seeding, kase: CaseResponse, handler: Actor, body: string, lastHeard: number) {
  const silence = s.clock.now().getTime() - lastHeard;
  if (kase.channel === 'facebook' && silence > HUMAN_AGENT_WINDOW_MS) return;
  if (kase.channel === 'whatsapp' && silence > CUSTOMER_SERVICE_WINDOW_MS) {
    const template =
      s.settings.whatsappTemplates.find((t) => t.name === 'seguimiento_folio') ??
      s.settings.whatsappTemplates[0];
    if (!template) return;
    await addAgentMessage(
      s.deps,
      kase.folio,
      { kind: 'saliente', body, template: { name: template.name } },
      handler,
    );
    return;
  }
  await addAgentMessage(s.deps, kase.folio, { kind: 'saliente', body }, handler);
}

/**
 * The caller's job queue minus channel sends and satisfaction surveys: demo replies, notices and survey
 * questions must never reach a real phone or mailbox.
 */
function withoutSends(jobs: CaseDeps['jobs']): CaseDeps['jobs'] {
  const quiet: CaseDeps['jobs'] = Object.create(jobs);
  quiet.enqueue = async (tx, name, data, options) =>
    name === SEND_JOB || name === CSAT_SEND_JOB ? null : jobs.enqueue(tx, name, data, options);
  return quiet;
}

/** Opens a case at its planned time and plays its steps, each at its own back-dated time. */
async function openAndWork(s: Seeding, plan: CasePlan): Promise<void> {
  const { random, clock, deps, settings } = s;
  const request = newRequest(s, plan);
  clock.set(new Date(plan.at));
  let kase: CaseResponse = await createCase(
    deps,
    request,
    request.channel === 'telefono' ? random.pick(s.team.all) : null,
  );
  s.caseIds.push(kase.id);
  s.opened.push({
    folio: kase.folio,
    at: plan.at,
    customerId: kase.customer.id,
    channel: request.channel,
    type: request.requestType,
    text: request.description,
  });
  const steps = stepsFor(random, plan, settings.cases.reopenWindowDays);
  const planned = steps.reduce((sum, step) => sum + step.afterMinutes * MINUTE, 0);
  // A case opened an hour ago cannot have a week of history: squeeze its steps in before now.
  const scale = planned > s.limit - plan.at ? (s.limit - plan.at) / planned : 1;
  let time = plan.at;
  let handler = agentOf(s, kase.area.id);
  let lastHeard = plan.at;
  for (const { step, afterMinutes } of steps) {
    time += afterMinutes * MINUTE * scale;
    clock.set(new Date(Math.round(time)));
    switch (step.kind) {
      case 'assign':
        // Already given to someone on line when it was opened.
        if (kase.status !== 'nuevo') break;
        // The supervisor hands it out, or the agent takes it from the queue.
        kase = step.bySupervisor
          ? await assignCase(deps, kase.folio, handler.agentId, s.team.supervisor)
          : await changeStatus(deps, kase.folio, { status: 'asignado' }, handler);
        break;
      case 'transfer': {
        const usual = TRANSFERS[kase.requestType];
        const usualArea = s.areaRows.find((a) => a.code === usual?.area && a.id !== kase.area.id);
        const others = s.areaRows.filter((a) => a.id !== kase.area.id);
        if (others.length === 0) break;
        const target = usualArea ?? random.pick(others);
        const receiver = agentOf(s, target.id);
        const reason = usualArea && usual ? usual.reason : GENERIC_TRANSFER_REASON;
        kase = await transferCase(
          deps,
          kase.folio,
          { areaId: target.id, reason, agentId: receiver.agentId },
          handler,
        );
        handler = receiver;
        break;
      }
      case 'status':
        kase = await changeStatus(deps, kase.folio, { status: step.to }, handler);
        break;
      case 'message':
        if (step.message === 'saliente') {
          await reply(s, kase, handler, step.body, lastHeard);
        } else {
          await addAgentMessage(deps, kase.folio, { kind: step.message, body: step.body }, handler);
          if (step.message === 'entrante') lastHeard = clock.now().getTime();
        }
        break;
      case 'resolve': {
        const causeCode = causeFor(
          random,
          kase.requestType,
          settings.causeCodes.map((c) => c.code),
        );
        const resolution = RESOLUTIONS[causeCode ?? 'informacion_proporcionada'];
        if (resolution) await reply(s, kase, handler, resolution[toneOf(kase.channel)], lastHeard);
        kase = await changeStatus(
          deps,
          kase.folio,
          {
            status: 'resuelto',
            ...(causeCode ? { causeCode } : {}),
            // The demo's failures come back as they are resolved.
            ...(kase.requestType === 'falla' ? { serviceRestoredAt: clock.now().toISOString() } : {}),
          },
          handler,
        );
        break;
      }
      case 'close': {
        const resolvedAt = kase.resolvedAt;
        const windowEnds = resolvedAt
          ? Date.parse(resolvedAt) + settings.cases.reopenWindowDays * DAY
          : Infinity;
        if (step.auto && resolvedAt && windowEnds <= s.limit) {
          // What the auto-close job does once the reopen window has passed without news.
          clock.set(new Date(windowEnds));
          await autoCloseResolved(deps, { caseId: kase.id, resolvedAt });
        } else {
          await changeStatus(
            deps,
            kase.folio,
            { status: 'cerrado', note: random.pick(CLOSING_NOTES) },
            handler,
          );
        }
        break;
      }
    }
  }
}

// How far the demo's sent messages got. E-mail has no delivery or read receipts, so it stays "enviado".
const DELIVERY_WEIGHTS: Partial<Record<Channel, Partial<Record<DeliveryStatus, number>>>> = {
  whatsapp: { leido: 75, entregado: 20, enviado: 5 },
  facebook: { leido: 70, entregado: 25, enviado: 5 },
  email: { enviado: 1 },
};
// A message of the last few minutes may not have been read yet.
const RECENT_WEIGHTS: Partial<Record<DeliveryStatus, number>> = { enviado: 30, entregado: 50, leido: 20 };
const RECENT_MS = 30 * MINUTE;

/**
 * The demo sends nothing (see {@link withoutSends}), so its replies would wait as "pendiente" for ever.
 * They are given the receipts a real channel would have reported by now.
 */
async function settleDeliveries(db: CaseDeps['db'], random: Random, caseIds: string[], now: number) {
  const byStatus = new Map<DeliveryStatus, string[]>();
  for (let from = 0; from < caseIds.length; from += 500) {
    const pending = await db
      .select({ id: messages.id, channel: messages.channel, createdAt: messages.createdAt })
      .from(messages)
      .where(
        and(
          inArray(messages.caseId, caseIds.slice(from, from + 500)),
          eq(messages.kind, 'saliente'),
          eq(messages.deliveryStatus, 'pendiente'),
        ),
      )
      .orderBy(asc(messages.createdAt), asc(messages.id));
    for (const message of pending) {
      const weights =
        message.channel !== 'email' && now - message.createdAt.getTime() < RECENT_MS
          ? RECENT_WEIGHTS
          : DELIVERY_WEIGHTS[message.channel as Channel];
      if (!weights) continue;
      const status = random.weighted(weights);
      const ids = byStatus.get(status) ?? [];
      ids.push(message.id);
      byStatus.set(status, ids);
    }
  }
  for (const [status, ids] of byStatus) {
    for (let from = 0; from < ids.length; from += 500) {
      await db
        .update(messages)
        .set({ deliveryStatus: status })
        .where(inArray(messages.id, ids.slice(from, from + 500)));
    }
  }
}

/**
 * Fills the database with the example provider's desk for trying the product: the supervisor and one or
 * two agents per area (password {@link DEMO_PASSWORD}), customers of Monterrey and Saltillo, and cases of
 * every channel and type over the last 60 days, each moved through its states by the domain functions
 * at back-dated times. Deterministic on an empty database; a second run reuses the agents and adds more.
 */
export async function seedDemo(deps: CaseDeps, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const customerTotal = options.customers ?? DEMO_SIZE.customers;
  const caseTotal = options.cases ?? DEMO_SIZE.cases;
  let done = 0;
  const progress = () => options.onProgress?.(++done, caseTotal);

  const countOf = async (table: typeof customers | typeof cases) =>
    (await deps.db.select({ n: count() }).from(table))[0]?.n ?? 0;
  const customersBefore = await countOf(customers);
  // The same data on an empty database; on a seeded one another stream, so new phones do not clash.
  const random = new Random(20_260_101 + (await countOf(cases)));

  const { settings } = await deps.settings.current(deps.db);
  const areaRows = await deps.db.select().from(areas).where(eq(areas.active, true)).orderBy(asc(areas.id));
  if (areaRows.length === 0)
    throw new Error('The database has no active areas; start Atiende once to seed them');
  const team = await ensureAgents(
    deps,
    areaRows.map((a) => a.id),
  );

  const people: DemoCustomer[] = [];
  for (let i = 0; i < customerTotal; i++) {
    people.push(await seedCustomer(deps, random));
  }

  const now = deps.clock.now().getTime();
  const clock = new ManualClock(new Date(now));
  const seeding: Seeding = {
    deps: { ...deps, clock, jobs: withoutSends(deps.jobs) },
    clock,
    random,
    settings,
    areaRows,
    team,
    people,
    limit: now - MINUTE,
    opened: [],
    caseIds: [],
  };
  for (const plan of planCases(random, caseTotal, now, settings.provider.timeZone)) {
    if (plan.outcome === 'spam' || plan.outcome === 'duplicado') await openDiscarded(seeding, plan);
    else await openAndWork(seeding, plan);
    progress();
  }
  await settleDeliveries(deps.db, random, seeding.caseIds, now);

  return {
    agents: team.credentials,
    customers: (await countOf(customers)) - customersBefore,
    cases: caseTotal,
  };
}
