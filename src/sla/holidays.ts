import Holidays from 'date-holidays';

// The reform of the Ley Federal del Trabajo (DOF 30-09-2024) follows the constitutional move of the
// presidential inauguration to 1 October, first applied on 1 October 2024. date-holidays 3.37 still
// places the change of federal executive on 1 December every six years, so it is corrected here.
const EXECUTIVE_CHANGE_ON_OCTOBER_FROM = 2024;
const EXECUTIVE_CHANGE_PERIOD_YEARS = 6;

const cache = new Map<number, readonly string[]>();
let library: Holidays | undefined;

function isExecutiveChangeYear(year: number): boolean {
  return (
    year >= EXECUTIVE_CHANGE_ON_OCTOBER_FROM &&
    (year - EXECUTIVE_CHANGE_ON_OCTOBER_FROM) % EXECUTIVE_CHANGE_PERIOD_YEARS === 0
  );
}

function compute(year: number): readonly string[] {
  library ??= new Holidays('MX');
  // Only 'public' entries are mandatory rest days (art. 74); the library also lists bank holidays
  // (Holy Thursday and Friday, 2 November, 12 December) and observances (Mother's Day).
  const days = new Set(
    library
      .getHolidays(year)
      .filter((holiday) => holiday.type === 'public')
      .map((holiday) => holiday.date.slice(0, 10)),
  );
  if (isExecutiveChangeYear(year)) {
    days.delete(`${year}-12-01`);
    days.add(`${year}-10-01`);
  }
  return Object.freeze([...days].sort());
}

/**
 * Mexican mandatory rest days (Ley Federal del Trabajo art. 74) of a calendar year as sorted
 * 'YYYY-MM-DD' local dates, with the change of federal executive on 1 October from 2024 on.
 * Election days (art. 74 fr. VIII) are not included: providers add them as calendar closures.
 */
export function mexicanRestDays(year: number): string[] {
  if (!Number.isInteger(year) || year < 1900 || year > 2200) {
    throw new RangeError(`mexicanRestDays: year must be an integer between 1900 and 2200, got ${year}`);
  }
  let days = cache.get(year);
  if (!days) {
    days = compute(year);
    cache.set(year, days);
  }
  return [...days];
}
