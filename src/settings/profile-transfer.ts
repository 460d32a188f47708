import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { type Profile, parseProfile } from '../config/profile.ts';
import type { Tx } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { type Change, diffJson } from './diff.ts';
import { currentProfile } from './settings.service.ts';

/** The provider's settings as a profile file, for a backup or to edit and import again. */
export async function exportProfileYaml(db: Tx): Promise<string> {
  return stringifyYaml(await currentProfile(db), { lineWidth: 0 });
}

/**
 * What applying the given profile (YAML text, or already parsed) would change, computed exactly as
 * `applyProfile` records it, without writing anything. A profile that would be refused is refused here
 * the same way: 422 naming the path of the first problem. The profile comes back as JSON with its
 * defaults filled, ready for PUT /settings.
 */
export async function previewProfile(
  db: Tx,
  input: { yaml: string } | { profile: unknown },
): Promise<{ changes: Change[]; profile: Profile }> {
  let data: unknown;
  if ('yaml' in input) {
    try {
      data = parseYaml(input.yaml);
    } catch (error) {
      throw new AppError('profile.unreadable', {
        status: 422,
        field: 'yaml',
        detail: (error as Error).message,
      });
    }
  } else data = input.profile;
  const profile = parseProfile(data);
  return { changes: diffJson(await currentProfile(db), profile), profile };
}
