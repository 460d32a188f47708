import { describe, expect, it } from 'vitest';
import { EXAMPLE_PROFILE_PATH } from '../config/env.ts';
import { parseProfile, readProfileFile } from '../config/profile.ts';
import { AppError } from '../http/errors.ts';
import { defaultRights, RIGHTS_SOURCES, rightsSettings } from './rights-settings.ts';

const example = await readProfileFile(EXAMPLE_PROFILE_PATH);
const { rights: _rights, ...withoutRights } = example;

function refusal(rights: unknown): AppError {
  try {
    parseProfile({ ...withoutRights, rights });
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('the rights settings', () => {
  it('default to the regulation figures, each part with its source', () => {
    expect(parseProfile(withoutRights).rights).toEqual({
      authoritiesSource: RIGHTS_SOURCES.authorities,
      compensation: {
        bonusPercent: 20,
        forceMajeureThresholdHours: 24,
        autoApproveUpToCentavos: 100_000,
        source: RIGHTS_SOURCES.compensation,
      },
      refund: { bonusPercent: 20, businessDays: 5, source: RIGHTS_SOURCES.refund },
      reconnectionFee: { maxPercent: 20, amountCentavos: 0, source: RIGHTS_SOURCES.reconnectionFee },
      installation: {
        businessDays: 10,
        refundBusinessDays: 30,
        bonusPercent: 20,
        source: RIGHTS_SOURCES.installation,
      },
      cancellation: { addOnCalendarDays: 5, source: RIGHTS_SOURCES.cancellation },
      suspension: {
        minDaysAfterDue: 5,
        noticeDaysBefore: 3,
        automatic: false,
        requestMinDays: 7,
        requestMaxDays: 90,
        source: RIGHTS_SOURCES.suspension,
      },
    });
    expect(parseProfile(withoutRights).rights).toEqual(defaultRights());
    expect(rightsSettings({})).toEqual(defaultRights());
  });

  it('are what the example profile ships', () => {
    expect(example.rights).toEqual(defaultRights());
  });

  it('say where the IFT went, and which readings are unconfirmed', () => {
    expect(RIGHTS_SOURCES.authorities).toContain('IFT');
    expect(RIGHTS_SOURCES.authorities).toContain('CRT');
    expect(RIGHTS_SOURCES.compensation).toContain('*sin confirmar*');
    expect(RIGHTS_SOURCES.installation).toContain('*sin confirmar*');
  });

  it('fill what a partial section leaves out', () => {
    const rights = parseProfile({
      ...withoutRights,
      rights: { compensation: { bonusPercent: 25 } },
    }).rights;
    expect(rights).toEqual({
      ...defaultRights(),
      compensation: { ...defaultRights().compensation, bonusPercent: 25 },
    });
  });

  // [what, section, the path named]
  it.each<[string, unknown, string]>([
    [
      'a compensation bonus below 20 %',
      { compensation: { bonusPercent: 19 } },
      'rights.compensation.bonusPercent',
    ],
    ['a fractional bonus', { compensation: { bonusPercent: 20.5 } }, 'rights.compensation.bonusPercent'],
    [
      'no force-majeure threshold',
      { compensation: { forceMajeureThresholdHours: 0 } },
      'rights.compensation.forceMajeureThresholdHours',
    ],
    ['a refund bonus below 20 %', { refund: { bonusPercent: 10 } }, 'rights.refund.bonusPercent'],
    ['more than 5 business days to refund', { refund: { businessDays: 6 } }, 'rights.refund.businessDays'],
    [
      'a reconnection fee above 20 %',
      { reconnectionFee: { maxPercent: 25 } },
      'rights.reconnectionFee.maxPercent',
    ],
    [
      'more than 10 business days to install',
      { installation: { businessDays: 15 } },
      'rights.installation.businessDays',
    ],
    [
      'more than 30 business days to refund an installation',
      { installation: { refundBusinessDays: 45 } },
      'rights.installation.refundBusinessDays',
    ],
    [
      'an installation bonus below 20 %',
      { installation: { bonusPercent: 0 } },
      'rights.installation.bonusPercent',
    ],
    [
      'more than 5 days to cancel an add-on',
      { cancellation: { addOnCalendarDays: 7 } },
      'rights.cancellation.addOnCalendarDays',
    ],
    [
      'a non-payment suspension before the fifth day',
      { suspension: { minDaysAfterDue: 4 } },
      'rights.suspension.minDaysAfterDue',
    ],
    ['an empty source', { refund: { source: '' } }, 'rights.refund.source'],
  ])('refuses %s, naming %s', (_what, rights, path) => {
    const error = refusal(rights);
    expect(error).toMatchObject({ code: 'profile.invalid', status: 422, field: path });
    expect(error.detail).toContain(`${path}: `);
  });

  it('says why a bonus below the minimum is refused', () => {
    expect(refusal({ compensation: { bonusPercent: 19 } }).detail).toBe(
      'rights.compensation.bonusPercent: at least 20: the regulation requires a bonus of at least 20 %',
    );
  });
});
