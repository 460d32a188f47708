import type { Config } from '../config/env.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import type { ChannelAdapter } from './adapter.ts';
import type { Channel } from './channel.ts';
import { createMessengerAdapter } from './messenger/messenger.adapter.ts';
import { createEmailAdapter } from './smtp/email.adapter.ts';
import { createWhatsAppAdapter } from './whatsapp/whatsapp.adapter.ts';

/** Builds every channel adapter from the configuration, registered by channel name in one map. */
export function createChannelAdapters(
  config: Config,
  settings: ProviderSettings,
): Map<Channel, ChannelAdapter> {
  const adapters = new Map<Channel, ChannelAdapter>();
  const media = { baseUrl: config.graphBaseUrl, mediaHosts: config.mediaHosts };
  adapters.set('whatsapp', createWhatsAppAdapter({ ...media, ...config.whatsapp }));
  const profileMailbox = settings.channels.find((c) => c.channel === 'email')?.contactPoints[0]?.value;
  adapters.set(
    'email',
    createEmailAdapter({
      smtpUrl: config.email.smtpUrl,
      from: config.email.mailFrom ?? profileMailbox ?? 'atiende@localhost',
      providerName: settings.provider.name,
    }),
  );
  adapters.set('facebook', createMessengerAdapter({ ...media, ...config.messenger }));
  return adapters;
}
