import { useTranslation } from 'react-i18next';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { formatDate } from '../../shared/format.ts';
import { useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import type { Channel } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';

type Conversation =
  paths['/api/v1/customers/{id}/conversations']['get']['responses'][200]['content']['application/json'][number];

/**
 * The customer's self-service conversations on WhatsApp and Messenger: the menu turns that needed no
 * agent (and so are no case), each with how it ended and the folio it led to.
 */
export function Conversations({ customerId }: { customerId: string }) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const list = useAsync(
    () => api.get<Conversation[]>(`/customers/${customerId}/conversations`),
    [customerId],
  );
  return (
    <section className="panel customer-page__section" aria-labelledby="customer-conversations-heading">
      <h2 id="customer-conversations-heading">{t('customerPage.conversations.heading')}</h2>
      <ErrorMessage error={list.error} />
      {list.data?.length === 0 && <p className="muted">{t('customerPage.conversations.none')}</p>}
      {list.data?.map((conversation) => (
        <details key={conversation.id}>
          <summary>
            {t('customerPage.conversations.summary', {
              channel: t(`common:channel.${conversation.channel as Channel}`),
              date: formatDate(conversation.startedAt, language, timeZone),
              turns: conversation.turns.length,
            })}{' '}
            {conversation.closeReason
              ? t(`customerPage.conversations.closed.${conversation.closeReason}`)
              : t('customerPage.conversations.open')}
            {conversation.folio ? ` · ${conversation.folio}` : ''}
          </summary>
          <ol className="customer-page__turns">
            {conversation.turns.map((turn) => (
              <li key={`${turn.createdAt}-${turn.kind}`}>
                <strong>
                  {turn.kind === 'entrante'
                    ? t('customerPage.conversations.customer')
                    : t('customerPage.conversations.menu')}
                  :
                </strong>{' '}
                <span style={{ whiteSpace: 'pre-line' }}>{turn.body}</span>
              </li>
            ))}
          </ol>
        </details>
      ))}
    </section>
  );
}
