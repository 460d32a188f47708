import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { importCommand } from './accounts/import/import.cli.ts';
import { exportLedgerCsv } from './accounts/ledger-export.ts';
import { createAgent } from './agents/agents.service.ts';
import { revealInitialPassword } from './agents/initial-password.ts';
import { prepareDatabase, startAtiende } from './app.ts';
import { resetPassword } from './auth/password.service.ts';
import { randomToken } from './auth/secrets.ts';
import { systemActor } from './auth/system-rules.ts';
import { restoreEmbedded, writeBackupFile } from './backup/backup.service.ts';
import { startSmtpServer } from './channels/smtp/smtp.server.ts';
import { systemClock } from './clock.ts';
import { type Config, loadConfig } from './config/env.ts';
import { readProfileFile } from './config/profile.ts';
import { type DatabaseHandle, databaseTarget, openDatabase } from './db/database.ts';
import { DEMO_PASSWORD, DEMO_SIZE, seedDemo } from './demo/seed-demo.ts';
import { AppError } from './http/errors.ts';
import { createLogger } from './logging/logger.ts';
import { diffJson, formatChanges } from './settings/diff.ts';
import { applyProfile, currentProfile } from './settings/settings.service.ts';

const USAGE = `atiende <command> [options]

  serve                          run the server (HTTP API, jobs)
  migrate                        apply database migrations
  create-agent --email E --name N [--role admin|supervisor|agent] [--password P]
  reset-password EMAIL           give an agent a temporary password (printed once) to change at the
                                 next login, and end their sessions
  profile export [--out FILE]    write the current settings as a profile (YAML)
  profile import FILE [--dry-run] validate a profile, show the difference, apply it
  backup FILE                    archive the embedded database (server stopped; while it runs use
                                 POST /api/v1/admin/backup); on PostgreSQL use pg_dump
  restore FILE                   restore an archive into an empty ATIENDE_DATA_DIR
  import customers FILE [--dry-run]
                                 customers, services and opening balances from the billing system's
                                 CSV; progress on stderr, summary and every problem on stdout; exits 1
                                 when any row was refused (try --dry-run first: it writes nothing)
  ledger export --from YYYY-MM-DD --to YYYY-MM-DD [--kinds K,K] [--out FILE]
                                 the ledger entries posted in those days (default kinds
                                 bonificacion,reembolso,pago) as CSV for the billing system
  seed-demo [--customers N] [--cases N]
                                 fill the database with the example provider's demo agents, customers
                                 and cases, for trying the product

Settings come from environment variables; see the README.`;

const progress = (message: string) => process.stderr.write(`${message}\n`);

/** Opens the configured database for a one-off command, migrated and seeded. */
async function openForCommand(config: Config, purpose: string): Promise<DatabaseHandle> {
  const handle = await openDatabase(databaseTarget(config), purpose);
  try {
    showInitialAdmin(config)((await prepareDatabase(handle, config)).initialAdmin);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function withDatabase<T>(
  config: Config,
  purpose: string,
  run: (h: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const handle = await openForCommand(config, purpose);
  try {
    return await run(handle);
  } finally {
    await handle.close();
  }
}

const showInitialAdmin =
  (config: Config) => (admin: { email: string; generatedPassword?: string } | undefined) =>
    revealInitialPassword(admin, {
      dataDir: config.dataDir,
      terminal: process.stdout.isTTY === true,
      write: (text) => process.stdout.write(text),
    });

async function serve(config: Config) {
  const atiende = await startAtiende(config, { onInitialAdmin: showInitialAdmin(config) });
  const address = await atiende.http.listen({ port: config.port, host: config.host });
  process.stdout.write(`Atiende listening on ${address} (${atiende.ctx.database.kind})\n`);
  const smtp =
    config.email.smtpPort === undefined
      ? undefined
      : await startSmtpServer(atiende.ctx, {
          port: config.email.smtpPort,
          host: config.host,
          maxSize: config.email.smtpMaxBytes,
          tls: config.email.tls,
        });
  if (smtp) process.stdout.write(`Inbound SMTP on ${config.host}:${smtp.port}\n`);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await smtp?.close();
    await atiende.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  switch (command) {
    case 'serve':
      await serve(config);
      return -1;
    case 'migrate':
      await withDatabase(config, 'atiende migrate', async () => progress('Migrations applied.'));
      return 0;
    case 'create-agent': {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          name: { type: 'string' },
          role: { type: 'string' },
          password: { type: 'string' },
        },
      });
      if (!values.email || !values.name)
        throw new AppError('cli.usage', { status: 400, detail: 'create-agent needs --email and --name' });
      const password = values.password ?? randomToken().slice(0, 20);
      await withDatabase(config, 'atiende create-agent', async ({ db }) => {
        const agent = await createAgent(
          db,
          {
            email: values.email as string,
            name: values.name as string,
            role: (values.role ?? 'agent') as 'agent',
            password,
          },
          systemActor('linea_de_comandos'),
        );
        process.stdout.write(`Agent ${agent.email} (${agent.role}) created.\n`);
        if (!values.password) process.stdout.write(`Password (shown once): ${password}\n`);
      });
      return 0;
    }
    case 'reset-password': {
      const email = rest[0];
      if (!email) throw new AppError('cli.usage', { status: 400, detail: 'reset-password EMAIL' });
      await withDatabase(config, 'atiende reset-password', async ({ db }) => {
        const reset = await resetPassword(
          db,
          { email },
          { now: systemClock.now(), by: systemActor('linea_de_comandos') },
        );
        process.stdout.write(
          `Agent ${reset.email}: temporary password (shown once): ${reset.temporaryPassword}\n` +
            `They must choose a new one at their next login; ${reset.sessionsEnded} session(s) ended.\n`,
        );
      });
      return 0;
    }
    case 'profile': {
      const [sub, ...subArgs] = rest;
      const { values, positionals } = parseArgs({
        args: subArgs,
        allowPositionals: true,
        options: { out: { type: 'string' }, 'dry-run': { type: 'boolean' } },
      });
      if (sub === 'export') {
        const yaml = await withDatabase(config, 'atiende profile export', async ({ db }) =>
          toYaml(await currentProfile(db)),
        );
        if (values.out) await writeFile(values.out, yaml);
        else process.stdout.write(yaml);
        return 0;
      }
      if (sub === 'import' && positionals[0]) {
        const profile = await readProfileFile(positionals[0]);
        progress(`${positionals[0]} is a valid profile.`);
        await withDatabase(config, 'atiende profile import', async ({ db }) => {
          if (values['dry-run']) {
            process.stdout.write(`${formatChanges(diffJson(await currentProfile(db), profile))}\n`);
            return;
          }
          const changes = await applyProfile(db, profile, { source: 'import', at: systemClock.now() });
          process.stdout.write(`${formatChanges(changes)}\n`);
          if (changes.length > 0)
            progress(`Applied ${changes.length} change(s), recorded in settings_changes.`);
        });
        return 0;
      }
      throw new AppError('cli.usage', {
        status: 400,
        detail: 'profile export [--out FILE] | profile import FILE [--dry-run]',
      });
    }
    case 'backup': {
      const file = rest[0];
      if (!file) throw new AppError('cli.usage', { status: 400, detail: 'backup FILE' });
      if (config.databaseUrl) {
        throw new AppError('backup.postgres', {
          status: 422,
          detail: 'On PostgreSQL use pg_dump (see the README).',
        });
      }
      try {
        await withDatabase(config, 'atiende backup', async (handle) => {
          progress('Checkpointing and archiving the embedded database…');
          const bytes = await writeBackupFile(handle, file);
          progress(`Wrote ${file} (${(bytes / 1_048_576).toFixed(1)} MB).`);
        });
      } catch (error) {
        if (error instanceof AppError && error.code === 'database.in_use') {
          throw new AppError(error.code, {
            status: error.status,
            detail: `${error.detail} While the server runs, an admin can download a backup with POST /api/v1/admin/backup.`,
          });
        }
        throw error;
      }
      return 0;
    }
    case 'restore': {
      const file = rest[0];
      if (!file) throw new AppError('cli.usage', { status: 400, detail: 'restore FILE' });
      progress(`Restoring ${file} into ${config.dataDir}…`);
      await restoreEmbedded(file, config.dataDir);
      progress('Restored. Start the server on this data folder.');
      return 0;
    }
    case 'ledger': {
      const [sub, ...subArgs] = rest;
      if (sub !== 'export') {
        throw new AppError('cli.usage', {
          status: 400,
          detail: 'ledger export --from YYYY-MM-DD --to YYYY-MM-DD [--kinds K,K] [--out FILE]',
        });
      }
      const { values } = parseArgs({
        args: subArgs,
        options: {
          from: { type: 'string' },
          to: { type: 'string' },
          kinds: { type: 'string' },
          out: { type: 'string' },
        },
      });
      const csv = await withDatabase(config, 'atiende ledger export', ({ db }) =>
        exportLedgerCsv(db, values),
      );
      if (values.out) await writeFile(values.out, csv);
      else process.stdout.write(csv);
      return 0;
    }
    case 'import':
      return withDatabase(config, 'atiende import', ({ db }) =>
        importCommand(db, systemClock, rest, {
          out: (text) => process.stdout.write(`${text}\n`),
          err: progress,
        }),
      );
    case 'seed-demo': {
      const { values } = parseArgs({
        args: rest,
        options: { customers: { type: 'string' }, cases: { type: 'string' } },
      });
      const atiende = await startAtiende(config, {
        work: false,
        purpose: 'atiende seed-demo',
        logger: createLogger('warn'),
        onInitialAdmin: showInitialAdmin(config),
      });
      try {
        const customers = values.customers ? Number(values.customers) : undefined;
        const cases = values.cases ? Number(values.cases) : undefined;
        progress(`Creating ${customers ?? DEMO_SIZE.customers} demo customers, then their cases…`);
        const result = await seedDemo(atiende.ctx, {
          customers,
          cases,
          onProgress: (done, total) => {
            if (done === total || done % 50 === 0) progress(`  ${done}/${total} cases`);
          },
        });
        process.stdout.write(
          `Demo data: ${result.customers} customers, ${result.cases} cases. Agents (password ${DEMO_PASSWORD}):\n${result.agents
            .map((a) => `  ${a.email} (${a.role})`)
            .join('\n')}\n`,
        );
      } finally {
        await atiende.close();
      }
      return 0;
    }
    default:
      process.stderr.write(`Unknown command ${command}\n\n${USAGE}\n`);
      return 2;
  }
}
