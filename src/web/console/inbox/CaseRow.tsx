import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../shared/format.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { Link } from '../../shared/router.tsx';
import type { Case } from '../../shared/types.ts';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';
import { deadlineLabel } from './deadline.ts';

/** The "Plazo" cell: which deadline the case waits on and how it stands, or how its deadlines were met. */
export function DeadlineCell({ item, now }: { item: Case; now: number }) {
  const { t, i18n } = useTranslation('console');
  const { timeZone } = useSession();
  const label = deadlineLabel(item, now);
  let text: string;
  if (label.tone === 'none') text = t('inbox.deadline.none');
  else if (label.tone === 'met') text = t('inbox.deadline.metOnTime');
  else if (label.tone === 'met_late') text = t('inbox.deadline.metLate', { duration: label.duration });
  else {
    const when =
      label.text === 'paused'
        ? t('inbox.deadline.paused')
        : t(`inbox.deadline.${label.text}`, { duration: label.duration });
    text = `${t(`inbox.deadline.kind.${label.kind}`)} · ${when}`;
  }
  const due = item.nearestDeadline?.dueAt;
  const title = due
    ? t('inbox.deadline.dueAt', { date: formatDateTime(due, currentLanguage(i18n.language), timeZone) })
    : undefined;
  return (
    <span className={`inbox-deadline inbox-deadline--${label.tone}`} title={title}>
      {text}
    </span>
  );
}

/** Text that may not fit its column: cut with an ellipsis, the whole of it on hover. */
function Clipped({ text }: { text: string }) {
  return (
    <span className="inbox-clip" title={text}>
      {text}
    </span>
  );
}

export function CaseRow({
  item,
  now,
  showAssignee,
  selected,
  onSelect,
}: {
  item: Case;
  now: number;
  showAssignee: boolean;
  selected: boolean;
  onSelect: (folio: string, selected: boolean, range: boolean) => void;
}) {
  const { t } = useTranslation(['console', 'common']);
  const customer = item.customer.name ?? item.customer.accountNumber;
  const overdue = item.nearestDeadline?.state === 'vencido';
  return (
    <tr data-folio={item.folio} className={overdue ? 'row--breached' : undefined}>
      <td className="inbox-col--select">
        <input
          type="checkbox"
          checked={selected}
          aria-label={t('bulk.selectCase', { folio: item.folio })}
          onClick={(event) => onSelect(item.folio, event.currentTarget.checked, event.shiftKey)}
          onChange={() => undefined}
        />
      </td>
      <th scope="row" className="inbox-col--folio">
        <Link to={PATHS.case(item.folio)} className="folio-link">
          {item.folio}
        </Link>
      </th>
      <td className="inbox-col--customer">
        {customer ? <Clipped text={customer} /> : <span className="muted">{t('inbox.prospect')}</span>}
      </td>
      <td className="inbox-col--channel">{t(`common:channel.${item.channel}`)}</td>
      <td className="inbox-col--type">
        <Clipped text={t(`common:requestType.${item.requestType}`)} />
      </td>
      <td className="inbox-col--status">
        <span className={`status status--${item.status}`}>{t(`common:status.${item.status}`)}</span>
      </td>
      <td className="inbox-col--area">
        <Clipped text={item.area.name} />
      </td>
      {showAssignee && (
        <td className="inbox-col--assignee">
          {item.assignee ? (
            <Clipped text={item.assignee.name ?? ''} />
          ) : (
            <span className="muted">{t('inbox.unassigned')}</span>
          )}
        </td>
      )}
      <td className="inbox-col--deadline">
        <DeadlineCell item={item} now={now} />
      </td>
    </tr>
  );
}
