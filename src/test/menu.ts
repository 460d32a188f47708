import type { Db } from '../db/database.ts';
import { applyProfile, currentProfile } from '../settings/settings.service.ts';

/**
 * Turns the provider's self-service menu off, for tests of the case path a chat message takes without
 * it: with the menu on, a greeting starts a menu conversation instead of opening a case.
 */
export async function turnMenuOff(db: Db): Promise<void> {
  const profile = await currentProfile(db);
  await applyProfile(db, { ...profile, menu: { ...profile.menu, enabled: false } }, { source: 'api' });
}
