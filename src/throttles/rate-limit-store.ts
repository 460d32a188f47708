import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { countHit } from './throttles.service.ts';

// What the plugin hands a route's store (its merged options, with the route they belong to).
interface StoreOptions {
  groupId?: string;
  routeInfo?: { method?: string | string[]; url?: string };
}

/**
 * A store for @fastify/rate-limit that counts in the database's `throttles` table instead of one
 * process's memory, so every server process enforces one limit per client and route.
 */
export function databaseRateLimitStore(db: Db, clock: Clock): FastifyRateLimitStoreCtor {
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    private readonly scope: string;

    constructor(options: unknown) {
      const { groupId, routeInfo } = (options ?? {}) as StoreOptions;
      this.scope = groupId ?? (routeInfo?.url ? `${routeInfo.method} ${routeInfo.url}` : 'global');
    }

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ) {
      const now = clock.now();
      countHit(db, `rl:${this.scope}:${key}`, timeWindow, now).then(
        ({ hits, windowEndsAt }) =>
          callback(null, { current: hits, ttl: Math.max(0, windowEndsAt.getTime() - now.getTime()) }),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: unknown): FastifyRateLimitStore {
      return new DatabaseRateLimitStore(routeOptions);
    }
  }
  return DatabaseRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}
