import { formatMxn } from '../accounts/money.ts';
import { AppError } from '../http/errors.ts';
import type { ReconnectionFeeSettings } from './rights-settings.ts';
import { assertAmount, assertWholeNumber } from './rules-input.ts';

/**
 * The reconnection fee's ceiling (regulation.md, "Deadlines"):
 *
 *   "reconnection fee | at most 20% of one monthly payment | same [contract model]"
 *
 * The cap is rounded down to the centavo: rounding up would let a fee exceed the percentage.
 */

export const RECONNECTION_FEE_SOURCE =
  'Modelo de contrato de adhesión registrado ante PROFECO (NOM-184-SCFI-2018): el cargo por reconexión no excede el 20 % de una mensualidad';

const CODE = 'reconnection_fee.invalid';

export interface ReconnectionFeeCap {
  maxPercent: number;
  capCentavos: number;
  source: string;
}

/** The highest fee allowed for a service whose monthly payment is `monthlyPriceCentavos`. */
export function reconnectionFeeCap(
  monthlyPriceCentavos: number,
  settings: Pick<ReconnectionFeeSettings, 'maxPercent'>,
): ReconnectionFeeCap {
  assertAmount(monthlyPriceCentavos, CODE, 'monthlyPriceCentavos');
  assertWholeNumber(settings.maxPercent, 0, 20, CODE, 'settings.maxPercent');
  return {
    maxPercent: settings.maxPercent,
    capCentavos: Math.floor((monthlyPriceCentavos * settings.maxPercent) / 100),
    source: RECONNECTION_FEE_SOURCE,
  };
}

/** The cap when `feeCentavos` is within it; otherwise a 422 `reconnection_fee.above_cap` carrying it. */
export function assertReconnectionFee(
  feeCentavos: number,
  monthlyPriceCentavos: number,
  settings: Pick<ReconnectionFeeSettings, 'maxPercent'>,
): ReconnectionFeeCap {
  assertAmount(feeCentavos, CODE, 'feeCentavos', true);
  const cap = reconnectionFeeCap(monthlyPriceCentavos, settings);
  if (feeCentavos > cap.capCentavos) {
    throw new AppError('reconnection_fee.above_cap', {
      status: 422,
      field: 'feeCentavos',
      detail: `A reconnection fee of ${formatMxn(feeCentavos)} exceeds ${cap.maxPercent} % of the monthly payment (${formatMxn(cap.capCentavos)})`,
      extra: { capCentavos: cap.capCentavos, source: cap.source },
    });
  }
  return cap;
}
