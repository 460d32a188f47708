import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EmailAddress } from './email-address.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The example provider shipped with Atiende, used when ATIENDE_PROFILE is not set. */
export const EXAMPLE_PROFILE_PATH = path.join(projectRoot, 'profiles/monet.yaml');

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const trustProxy = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx): boolean | number | string => {
      if (value === undefined || value === 'false') return false;
      if (value === 'true') return true;
      if (/^\d+$/.test(value)) return Number(value);
      // Fastify accepts a comma-separated list of addresses or CIDR ranges.
      if (/^[0-9a-fA-F.:/, ]+$/.test(value)) return value;
      ctx.addIssue({
        code: 'custom',
        message: 'expected true, false, a hop count or a list of addresses/CIDRs',
      });
      return z.NEVER;
    }),
);

const EnvSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  ATIENDE_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  ATIENDE_ADMIN_EMAIL: z.preprocess(emptyToUndefined, EmailAddress.optional()),
  ATIENDE_ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(12).optional()),
  ATIENDE_PROFILE: z.preprocess(emptyToUndefined, z.string().default(EXAMPLE_PROFILE_PATH)),
  TRUST_PROXY: trustProxy,
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  ATIENDE_SESSION_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(720).default(12)),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  initialAdmin: { email: string; password: string } | undefined;
  profilePath: string;
  trustProxy: boolean | number | string;
  logLevel: string;
  sessionHours: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment once; every problem is reported together, never one at a time. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (Boolean(env.ATIENDE_ADMIN_EMAIL) !== Boolean(env.ATIENDE_ADMIN_PASSWORD)) {
    problems.push(
      'ATIENDE_ADMIN_PASSWORD: ATIENDE_ADMIN_EMAIL and ATIENDE_ADMIN_PASSWORD are set together or not at all',
    );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.ATIENDE_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    initialAdmin:
      e.ATIENDE_ADMIN_EMAIL && e.ATIENDE_ADMIN_PASSWORD
        ? { email: e.ATIENDE_ADMIN_EMAIL.toLowerCase(), password: e.ATIENDE_ADMIN_PASSWORD }
        : undefined,
    profilePath: path.resolve(e.ATIENDE_PROFILE),
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    sessionHours: e.ATIENDE_SESSION_HOURS,
  };
}
