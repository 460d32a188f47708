import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../shared/components.tsx';
import { formatDateTime, groupHours } from '../shared/format.ts';
import { useAsync } from '../shared/hooks.ts';
import { currentLanguage } from '../shared/i18n.ts';
import { Link } from '../shared/router.tsx';
import type { PortalChannel, PortalInfo } from '../shared/types.ts';
import { api } from './api.ts';
import { Breakable } from './Breakable.tsx';
import { PORTAL_PATHS } from './paths.ts';

const hrefOf = (point: PortalChannel['contactPoints'][number]): string | undefined => {
  if (point.kind === 'phone') return `tel:${point.value}`;
  if (point.kind === 'whatsapp') return `https://wa.me/${point.value.replace(/\D/g, '')}`;
  if (point.kind === 'email') return `mailto:${point.value}`;
  if (point.kind === 'url') return point.value;
  return undefined;
};

function Hours({ channel }: { channel: PortalChannel }) {
  const { t } = useTranslation(['portal', 'common']);
  if (!channel.hours) return <p className="channel__hours">{t('common:hours.alwaysOpen')}</p>;
  const suffix = t('common:hours.suffix');
  return (
    <dl className="channel__hours">
      {groupHours(channel.hours).map((group) => {
        const days =
          group.from === group.to
            ? t(`common:weekday.${group.from}`)
            : `${t(`common:weekday.${group.from}`)} – ${t(`common:weekday.${group.to}`)}`;
        return (
          <div key={group.from} className="channel__hours-row">
            <dt>{days}</dt>
            <dd>
              {group.ranges.length === 0
                ? t('common:hours.closed')
                : group.ranges.map((range) => `${range}${suffix ? ` ${suffix}` : ''}`).join(', ')}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/** The portal's front page: what the customer can do here, and every other way to reach the provider. */
export function Home({ info }: { info: PortalInfo }) {
  const { t, i18n } = useTranslation(['portal', 'common']);
  const channels = useAsync(() => api.get<PortalChannel[]>('/portal/channels'), []);
  const language = currentLanguage(i18n.language);
  const timeZone = info.provider.timeZone;
  return (
    <>
      <h1>{t('home.heading', { provider: info.provider.name })}</h1>
      <p className="lead">{t('home.intro')}</p>
      <div className="actions">
        <Link to={PORTAL_PATHS.request} className="button button--primary">
          {t('nav.request')}
        </Link>
        <Link to={PORTAL_PATHS.lookup} className="button">
          {t('nav.lookup')}
        </Link>
      </div>
      {/* A page of the server, outside the portal's app: a plain link loads it. */}
      <p>
        <a href="/estado">{t('home.statusPage')}</a>
      </p>
      <section aria-labelledby="channels-heading">
        <h2 id="channels-heading">{t('home.channelsHeading')}</h2>
        <ErrorMessage error={channels.error} />
        {!channels.data && !channels.error && <p>{t('common:loading')}</p>}
        <ul className="channels">
          {channels.data
            ?.filter((channel) => channel.channel !== 'portal')
            .map((channel) => (
              <li key={channel.code} className="channel">
                <div className="channel__head">
                  <h3>{channel.name}</h3>
                  <span className={`pill ${channel.openNow ? 'pill--open' : 'pill--closed'}`}>
                    {channel.openNow ? t('home.openNow') : t('home.closed')}
                  </span>
                </div>
                <ul className="channel__points">
                  {channel.contactPoints.map((point) => {
                    const href = hrefOf(point);
                    return (
                      <li key={point.value}>
                        {href ? (
                          <a href={href}>
                            <Breakable text={point.display} />
                          </a>
                        ) : (
                          <Breakable text={point.display} />
                        )}
                      </li>
                    );
                  })}
                </ul>
                <Hours channel={channel} />
                {!channel.openNow && channel.nextOpening && (
                  <p className="channel__next">
                    {t('home.opensAt', { date: formatDateTime(channel.nextOpening, language, timeZone) })}
                  </p>
                )}
              </li>
            ))}
        </ul>
      </section>
    </>
  );
}
