import { z } from 'zod';

/** The largest value of a PostgreSQL `integer` (`serial` ids: areas, zones, plans…). */
export const MAX_INT4 = 2_147_483_647;

/**
 * A `serial` id from outside: beyond int4 PostgreSQL answers "integer out of range" (a 500), so a larger
 * number is refused here as bad input, like any other id that names nothing.
 */
export const IntId = z.number().int().min(1).max(MAX_INT4);

/** {@link IntId} read from a path or query string. */
export const IntIdParam = z.coerce.number().int().min(1).max(MAX_INT4);
