import type { AppContext } from '../context.ts';
import { channelStates } from '../db/schema.ts';
import type { ChannelHealth } from './adapter.ts';

/**
 * Each channel's health: off when not configured, and an error recorded by any process (a revoked token
 * refused on a send) shows until a later send succeeds.
 */
export async function channelHealth(
  ctx: Pick<AppContext, 'db' | 'channels'>,
): Promise<Record<string, ChannelHealth>> {
  const states = await ctx.db.select().from(channelStates);
  const result: Record<string, ChannelHealth> = {};
  for (const [name, adapter] of ctx.channels) {
    const own = adapter.health();
    const recorded = states.find((s) => s.channel === name);
    result[name] =
      own.status === 'ok' && recorded?.status === 'error'
        ? { status: 'error', detail: recorded.detail ?? undefined }
        : own;
  }
  return result;
}
