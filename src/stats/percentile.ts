/**
 * The nearest-rank percentile (the smallest value with at least `p` of the values at or below it), the
 * figure PostgreSQL's `percentile_disc` gives, so figures computed here and in SQL agree. Null when empty.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}
