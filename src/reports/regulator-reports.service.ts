import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import type { Actor } from '../auth/actor.ts';
import { systemActor } from '../auth/system-rules.ts';
import type { AppContext } from '../context.ts';
import { queryRows } from '../db/database.ts';
import { regulatorReports } from '../db/schema.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { providerSettingsOf } from '../settings/settings.service.ts';
import { regulatorReportCsv, regulatorReportXlsx } from './regulator-files.ts';
import { buildRegulatorReport, monthBounds, periodOf, previousPeriod } from './regulator-report.ts';
import { regulatorReportSettings } from './regulator-settings.ts';

export const REGULATOR_REPORT_JOB = 'regulator-report';
/**
 * Hourly in the first week of the month, in the provider's time zone: the first run at or after the
 * configured hour of the 1st generates the previous month; the later ones find it and do nothing, and
 * catch up if the server was down on the 1st.
 */
export const REGULATOR_REPORT_CRON = '7 * 1-7 * *';

type Deps = Pick<AppContext, 'db' | 'clock'>;

export interface RegulatorReportListItem {
  period: string;
  generatedAt: string;
  generatedBy: string | null;
  csvSha256: string;
  csvBytes: number;
  xlsxSha256: string;
  xlsxBytes: number;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The archived reports, newest month first, without their files. */
export async function listRegulatorReports(deps: Deps): Promise<RegulatorReportListItem[]> {
  const rows = await queryRows<{
    period: string;
    generated_at: Date | string;
    generated_by: string | null;
    csv_sha256: string;
    csv_bytes: number | string;
    xlsx_sha256: string;
    xlsx_bytes: number | string;
  }>(
    deps.db,
    sql`select r.period, r.generated_at, a.name as generated_by, r.csv_sha256, octet_length(r.csv) as csv_bytes,
          r.xlsx_sha256, octet_length(r.xlsx) as xlsx_bytes
        from regulator_reports r left join agents a on a.id = r.generated_by_agent_id
        order by r.period desc`,
  );
  return rows.map((r) => ({
    period: r.period,
    generatedAt: new Date(r.generated_at).toISOString(),
    generatedBy: r.generated_by,
    csvSha256: r.csv_sha256,
    csvBytes: Number(r.csv_bytes),
    xlsxSha256: r.xlsx_sha256,
    xlsxBytes: Number(r.xlsx_bytes),
  }));
}

/** One archived file with its hash, as generated. */
export async function regulatorReportFile(
  deps: Deps,
  period: string,
  format: 'csv' | 'xlsx',
): Promise<{ bytes: Buffer; sha256: string }> {
  const [row] = await deps.db.select().from(regulatorReports).where(eq(regulatorReports.period, period));
  if (!row)
    throw new AppError('regulator_report.not_found', {
      status: 404,
      field: 'period',
      detail: `No report for ${period}`,
    });
  return format === 'csv'
    ? { bytes: Buffer.from(row.csv), sha256: row.csvSha256 }
    : { bytes: Buffer.from(row.xlsx), sha256: row.xlsxSha256 };
}

/**
 * Generates and archives the report of a finished month. Refuses the current or a future month (its
 * figures would still change) and a month before the first case (an empty report could never be removed);
 * the period's uniqueness makes two concurrent runs store one report, the other getting `exists`.
 */
export async function generateRegulatorReport(
  deps: Deps,
  input: { period: string; actor: Actor | null },
): Promise<RegulatorReportListItem> {
  const now = deps.clock.now();
  const inserted = await deps.db.transaction(async (tx) => {
    const settings = await providerSettingsOf(tx);
    const timeZone = settings.provider.timeZone;
    const current = periodOf(now, timeZone);
    if (Temporal.PlainYearMonth.compare(input.period, current) >= 0)
      throw new AppError('regulator_report.period_not_closed', {
        status: 422,
        field: 'period',
        detail: `${input.period} has not ended yet (it is ${current} in ${timeZone})`,
      });
    const [first] = await queryRows<{ at: Date | string | null }>(
      tx,
      sql`select min(created_at) as at from cases`,
    );
    const earliest = first?.at ? periodOf(new Date(first.at), timeZone) : previousPeriod(current);
    if (Temporal.PlainYearMonth.compare(input.period, earliest) < 0)
      throw new AppError('regulator_report.before_records', {
        status: 422,
        field: 'period',
        detail: `${input.period} is before the first records (${earliest})`,
      });
    const existing = await tx
      .select({ id: regulatorReports.id })
      .from(regulatorReports)
      .where(eq(regulatorReports.period, input.period));
    if (existing.length > 0) return undefined;

    const report = await buildRegulatorReport(tx, { period: input.period, settings, now });
    const csv = regulatorReportCsv(report);
    const xlsx = await regulatorReportXlsx(report, now);
    const { start, end } = monthBounds(input.period, timeZone);
    const [row] = await tx
      .insert(regulatorReports)
      .values({
        period: input.period,
        categories: regulatorReportSettings(settings).categories,
        summary: { ...report.summary, from: start.toISOString(), to: end.toISOString() },
        csv,
        csvSha256: sha256(csv),
        xlsx,
        xlsxSha256: sha256(xlsx),
        generatedByAgentId: input.actor?.agentId ?? null,
        generatedAt: now,
      })
      .onConflictDoNothing({ target: regulatorReports.period })
      .returning({
        id: regulatorReports.id,
        csvSha256: regulatorReports.csvSha256,
        xlsxSha256: regulatorReports.xlsxSha256,
      });
    if (row)
      await appendEvent(
        tx,
        {
          kind: 'regulator_report_generated',
          actor: input.actor ? agentActor(input.actor) : systemActor('reporte_al_regulador'),
          subject: { kind: 'regulator_report', id: row.id },
          after: { period: input.period, csvSha256: row.csvSha256, xlsxSha256: row.xlsxSha256 },
        },
        now,
      );
    return row;
  });
  if (!inserted)
    throw new AppError('regulator_report.exists', {
      status: 409,
      field: 'period',
      detail: `The report for ${input.period} was already generated; it cannot be replaced`,
    });
  const item = (await listRegulatorReports(deps)).find((r) => r.period === input.period);
  if (!item) throw new Error(`regulator report ${input.period} vanished after its insert`);
  return item;
}

/**
 * The monthly job: the previous month's report, if none exists yet and the configured hour of the 1st
 * has come. Two processes running it at once store one report.
 */
export async function generatePreviousMonthReport(deps: Deps): Promise<string | undefined> {
  const now = deps.clock.now();
  const settings = await providerSettingsOf(deps.db);
  const zoned = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(
    settings.provider.timeZone,
  );
  if (zoned.day === 1 && zoned.hour < regulatorReportSettings(settings).generationHour) return undefined;
  const period = previousPeriod(periodOf(now, settings.provider.timeZone));
  const [existing] = await deps.db
    .select({ id: regulatorReports.id })
    .from(regulatorReports)
    .where(eq(regulatorReports.period, period));
  if (existing) return undefined;
  try {
    await generateRegulatorReport(deps, { period, actor: null });
    return period;
  } catch (error) {
    if (
      error instanceof AppError &&
      (error.code === 'regulator_report.exists' || error.code === 'regulator_report.before_records')
    )
      return undefined;
    throw error;
  }
}
