import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { REQUEST_TYPES } from '../cases/request-types.ts';
import { CHANNELS } from '../channels/channel.ts';
import { AppError } from '../http/errors.ts';
import { CalendarSpecSchema, WeeklyHoursSchema } from '../sla/calendar.ts';

const Code = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');
const Localized = z.object({ 'es-MX': z.string().min(1), en: z.string().min(1).optional() });

export const ChannelContactPointSchema = z.object({
  kind: z.enum(['phone', 'whatsapp', 'email', 'url', 'facebook_page']),
  value: z.string().min(1),
  display: z.string().min(1),
});

export const ProfileChannelSchema = z.object({
  code: Code,
  channel: z.enum(CHANNELS),
  name: z.string().min(1),
  contactPoints: z.array(ChannelContactPointSchema).min(1),
  /** Omitted: open 24 hours, 7 days a week. */
  hours: WeeklyHoursSchema.optional(),
  /** Channels with opening hours close on Mexican rest days unless this says otherwise. */
  openOnRestDays: z.boolean().default(false),
});

export const ProfileAreaSchema = z.object({
  code: Code,
  name: z.string().min(1),
  calendar: CalendarSpecSchema.optional(),
});

export const ProfileSchema = z
  .object({
    provider: z.object({
      name: z.string().min(1),
      legalName: z.string().min(1),
      folioPrefix: z.string().regex(/^[A-Z]{2,6}$/, '2 to 6 capital letters'),
      timeZone: z
        .string()
        .default('America/Monterrey')
        .refine((zone) => {
          try {
            new Intl.DateTimeFormat('en', { timeZone: zone });
            return true;
          } catch {
            return false;
          }
        }, 'unknown IANA time zone'),
      website: z.url(),
      regulators: z.object({ telecom: z.string().min(1), consumer: z.string().min(1) }),
      privacyNotice: Localized,
    }),
    areas: z.array(ProfileAreaSchema).min(1),
    channels: z.array(ProfileChannelSchema).min(1),
    requestSubtypes: z
      .array(z.object({ type: z.enum(REQUEST_TYPES), code: Code, name: z.string().min(1) }))
      .default([]),
    causeCodes: z.array(z.object({ code: Code, name: z.string().min(1) })).min(1),
    routingRules: z
      .array(
        z.object({
          requestTypes: z.array(z.enum(REQUEST_TYPES)).default([]),
          keywords: z.array(z.string().min(1)).default([]),
          area: Code,
        }),
      )
      .min(1),
    templates: z.record(Code, Localized).default({}),
  })
  .superRefine((profile, ctx) => {
    const areaCodes = new Set<string>();
    profile.areas.forEach((area, i) => {
      if (areaCodes.has(area.code)) {
        ctx.addIssue({ code: 'custom', path: ['areas', i, 'code'], message: `duplicate area ${area.code}` });
      }
      areaCodes.add(area.code);
    });
    profile.routingRules.forEach((rule, i) => {
      if (!areaCodes.has(rule.area)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routingRules', i, 'area'],
          message: `unknown area ${rule.area}`,
        });
      }
    });
    const channelCodes = new Set<string>();
    profile.channels.forEach((channel, i) => {
      if (channelCodes.has(channel.code)) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'code'],
          message: `duplicate channel ${channel.code}`,
        });
      }
      channelCodes.add(channel.code);
    });
  });

export type Profile = z.infer<typeof ProfileSchema>;
export type ProfileInput = z.input<typeof ProfileSchema>;

/** Validates a profile given as parsed data; every problem is named by its path. */
export function parseProfile(data: unknown): Profile {
  const parsed = ProfileSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('profile.invalid', {
      status: 422,
      detail: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
      field: first ? first.path.join('.') : undefined,
    });
  }
  return parsed.data;
}

/** Reads a profile from a JSON or YAML file (YAML is a superset of JSON, so one parser serves both). */
export async function readProfileFile(filePath: string): Promise<Profile> {
  const text = await readFile(filePath, 'utf8');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new AppError('profile.unreadable', {
      status: 422,
      detail: `${filePath}: ${(error as Error).message}`,
    });
  }
  return parseProfile(data);
}
