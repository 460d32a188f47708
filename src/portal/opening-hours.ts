import type { ProviderSettings } from '../settings/settings.service.ts';
import { isOpenAt, nextOpening } from '../sla/calendar.ts';
import { calendarFor } from '../sla/policies.ts';

/**
 * Every channel with its contact points, opening hours per weekday and whether it is open at `now` in
 * the provider's time zone. Channels with hours close on Mexican rest days unless the profile opens them.
 */
export function channelsOpenness(settings: ProviderSettings, now: Date) {
  return settings.channels.map((channel) => {
    if (!channel.hours) {
      return {
        code: channel.code,
        channel: channel.channel,
        name: channel.name,
        contactPoints: channel.contactPoints,
        hours: null,
        alwaysOpen: true,
        openNow: true,
        nextOpening: null,
      };
    }
    const calendar = calendarFor({
      zone: settings.provider.timeZone,
      hours: channel.hours,
      restDays: !channel.openOnRestDays,
      closures: [],
    });
    const open = isOpenAt(calendar, now);
    return {
      code: channel.code,
      channel: channel.channel,
      name: channel.name,
      contactPoints: channel.contactPoints,
      hours: channel.hours,
      alwaysOpen: false,
      openNow: open,
      nextOpening: open ? null : new Date(nextOpening(calendar, now)).toISOString(),
    };
  });
}
