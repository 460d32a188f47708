// Business-time arithmetic throughput on one core: `npx tsx bench/deadlines/run.ts`.
// Target: at least 1,000,000 additions per second on a Monday–Friday 09:00–18:00 Monterrey calendar
// with Mexican rest days.
import {
  addBusinessDays,
  addBusinessMinutes,
  businessMillisBetween,
  compileCalendar,
  nextOpening,
} from '../../src/sla/calendar.ts';

const SAMPLES = 1 << 16;
const WARM_UP_ROUNDS = 20;
const MEASURE_MS = 1_000;
const TARGET_PER_SECOND = 1_000_000;

const day = [{ from: '09:00', to: '18:00' }];
const office = compileCalendar({
  zone: 'America/Monterrey',
  hours: { monday: day, tuesday: day, wednesday: day, thursday: day, friday: day, saturday: [], sunday: [] },
  restDays: true,
  closures: [],
});

// A fixed LCG keeps runs comparable; inputs are drawn up front so the loop measures only the arithmetic.
let seed = 12_345;
const random = (): number => {
  seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
  return seed / 4_294_967_296;
};
const from = Date.UTC(2026, 0, 1);
const span = Date.UTC(2028, 0, 1) - from;
const instants = Float64Array.from({ length: SAMPLES }, () => from + Math.floor(random() * span));
const others = Float64Array.from({ length: SAMPLES }, () => from + Math.floor(random() * span));
// Up to five business days of 9 h: 2,700 business minutes.
const minutes = Float64Array.from({ length: SAMPLES }, () => 1 + Math.floor(random() * 2_700));
const days = Int32Array.from({ length: SAMPLES }, () => 1 + Math.floor(random() * 10));

function rate(name: string, op: (k: number) => number): number {
  let sink = 0;
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    for (let k = 0; k < SAMPLES; k++) sink += op(k);
  }
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < MEASURE_MS) {
    for (let k = 0; k < SAMPLES; k++) sink += op(k);
    calls += SAMPLES;
    elapsed = performance.now() - started;
  }
  const perSecond = Math.round((calls / elapsed) * 1_000);
  // Printing the sink keeps the optimiser from discarding the work.
  console.log(
    `${name.padEnd(26)} ${perSecond.toLocaleString('en-US').padStart(12)} /s   (checksum ${sink % 997})`,
  );
  return perSecond;
}

console.log(`Node ${process.version}, Monday–Friday 09:00–18:00 America/Monterrey with rest days, 2026–2027`);
const additions = rate('addBusinessMinutes', (k) =>
  addBusinessMinutes(office, instants[k] as number, minutes[k] as number),
);
rate('addBusinessDays', (k) => addBusinessDays(office, instants[k] as number, days[k] as number));
rate('businessMillisBetween', (k) =>
  businessMillisBetween(office, instants[k] as number, others[k] as number),
);
rate('nextOpening', (k) => nextOpening(office, instants[k] as number));
console.log(
  additions >= TARGET_PER_SECOND
    ? `addBusinessMinutes meets the target of ${TARGET_PER_SECOND.toLocaleString('en-US')}/s`
    : `addBusinessMinutes is BELOW the target of ${TARGET_PER_SECOND.toLocaleString('en-US')}/s`,
);
