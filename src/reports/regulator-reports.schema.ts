import { z } from 'zod';
import { PERIOD_PATTERN } from './regulator-report.ts';

const Period = z.string().regex(PERIOD_PATTERN, 'a month as YYYY-MM');

export const GenerateRegulatorReportRequest = z.object({ period: Period });

export const RegulatorReportParams = z.object({ period: Period });

export const RegulatorReportResponse = z.object({
  period: z.string(),
  generatedAt: z.string(),
  /** The admin who generated it; null: the monthly job. */
  generatedBy: z.string().nullable(),
  csvSha256: z.string(),
  csvBytes: z.number().int(),
  xlsxSha256: z.string(),
  xlsxBytes: z.number().int(),
});
