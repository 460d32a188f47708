import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { focusHeading } from '../../shared/a11y.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useAsync, useNow } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { Link, navigate } from '../../shared/router.tsx';
import type { CaseDetail } from '../../shared/types.ts';
import { api } from '../api.ts';
import { CaseArco } from '../arco/CaseArco.tsx';
import { VerifyCaller } from '../calls/VerifyCaller.tsx';
import { OnBehalf } from '../customers/OnBehalf.tsx';
import { nextFolio } from '../inbox/order.ts';
import { useLiveEvents } from '../live.tsx';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';
import { useAltShortcuts } from '../shortcuts.ts';
import { type ActionsHandle, CaseActions } from './CaseActions.tsx';
import { CaseCancellation } from './CaseCancellation.tsx';
import { CaseCompensations } from './CaseCompensations.tsx';
import { CaseDeadline } from './CaseDeadline.tsx';
import { CaseEvidence } from './CaseEvidence.tsx';
import { CaseIncident } from './CaseIncident.tsx';
import { CasePayments } from './CasePayments.tsx';
import { CaseServiceOrders } from './CaseServiceOrders.tsx';
import { CaseSuspension } from './CaseSuspension.tsx';
import { Composer, type ComposerHandle } from './Composer.tsx';
import { CustomerPanel } from './CustomerPanel.tsx';
import { FailureTimes } from './FailureTimes.tsx';
import { WRITABLE_CHANNELS } from './lifecycle.ts';
import { Timeline } from './Timeline.tsx';
import { UnverifiedContact } from './UnverifiedContact.tsx';

// Delivery receipts (sent, delivered, read) raise no live event; while one is due, look again now and then.
const DELIVERY_POLL_MS = 5_000;

/** One case: its details and deadlines, the timeline, the composer, the actions and the customer. */
export function CasePage({ folio }: { folio: string }) {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone, settings, agent, me } = useSession();
  const now = useNow();
  const kase = useAsync(() => api.get<CaseDetail>(`/cases/${encodeURIComponent(folio)}`), [folio]);
  const composer = useRef<ComposerHandle>(null);
  const actions = useRef<ActionsHandle>(null);
  const language = currentLanguage(i18n.language);

  useLiveEvents((events) => {
    if (events.some((e) => e.folio === folio)) void kase.reload();
  });

  const awaitingDelivery = kase.data?.timeline.some(
    (e) =>
      e.type === 'message' &&
      e.message.kind === 'saliente' &&
      e.message.deliveryStatus === 'pendiente' &&
      WRITABLE_CHANNELS.includes(e.message.channel),
  );
  const { reload } = kase;
  useEffect(() => {
    if (!awaitingDelivery) return;
    const timer = setInterval(() => void reload(), DELIVERY_POLL_MS);
    return () => clearInterval(timer);
  }, [awaitingDelivery, reload]);

  // Arriving here moved focus to the loading heading; once the case replaces it, focus the real one.
  const loaded = Boolean(kase.data);
  useEffect(() => {
    if (loaded && document.activeElement === document.body) focusHeading();
  }, [loaded]);

  const goNext = () => {
    const next = nextFolio(folio);
    if (next) navigate(PATHS.case(next));
  };
  useAltShortcuts({
    r: () => composer.current?.focus('saliente'),
    n: () => composer.current?.focus('nota_interna'),
    t: () => actions.current?.openTransfer(),
    j: goNext,
  });

  if (!kase.data) {
    return (
      <>
        <h1>{t('case.heading', { folio })}</h1>
        {kase.error?.status === 404 ? (
          <p className="error">{t('case.notFound')}</p>
        ) : (
          <ErrorMessage error={kase.error} />
        )}
        {!kase.error && <p>{t('common:loading')}</p>}
      </>
    );
  }
  const c = kase.data;
  // As the API decides (cases/access.ts): admins change any case, other agents those of their areas.
  const mayChange = agent.role === 'admin' || me.areaIds.includes(c.area.id);
  const subtypeName = settings.requestSubtypes.find(
    (s) => s.type === c.requestType && s.code === c.subtype,
  )?.name;
  const subtype = c.subtype ? ` · ${subtypeName ?? c.subtype}` : '';
  return (
    <div className="case">
      <div className="case__nav">
        <Link to={PATHS.inbox}>{t('case.back')}</Link>
        <button type="button" className="button button--small" onClick={goNext}>
          {t('case.next')}
        </button>
      </div>
      <header className="case__header">
        <h1>{t('case.heading', { folio: c.folio })}</h1>
        <p className="case__subject">{c.subject}</p>
        <dl className="case__facts" aria-label={t('case.details')}>
          <div>
            <dt>{t('case.status')}</dt>
            <dd>
              <span className={`status status--${c.status}`} data-testid="case-status">
                {t(`common:status.${c.status}`)}
              </span>
            </dd>
          </div>
          <div>
            <dt>{t('case.type')}</dt>
            <dd>
              {t(`common:requestType.${c.requestType}`)}
              {subtype}
            </dd>
          </div>
          <div>
            <dt>{t('case.channel')}</dt>
            <dd>{t(`common:channel.${c.channel}`)}</dd>
          </div>
          <OnBehalf kase={c} />
          <div>
            <dt>{t('case.area')}</dt>
            <dd data-testid="case-area">{c.area.name}</dd>
          </div>
          <div>
            <dt>{t('case.assignee')}</dt>
            <dd>{c.assignee?.name ?? t('inbox.unassigned')}</dd>
          </div>
          <div>
            <dt>{t('case.priority')}</dt>
            <dd>{t(`priority.${c.priority}`)}</dd>
          </div>
          {c.causeCode && (
            <div>
              <dt>{t('case.causeCode')}</dt>
              <dd>{settings.causeCodes.find((cause) => cause.code === c.causeCode)?.name ?? c.causeCode}</dd>
            </div>
          )}
          <div>
            <dt>{t('case.createdAt')}</dt>
            <dd>{formatDateTime(c.createdAt, language, timeZone)}</dd>
          </div>
          <div className="case__fact--deadline">
            <dt>{t('case.firstResponse')}</dt>
            <dd>
              <CaseDeadline
                deadline={c.deadlines.primera_respuesta}
                now={now}
                timeZone={timeZone}
                testId="deadline-primera_respuesta"
              />
            </dd>
          </div>
          <div className="case__fact--deadline">
            <dt>{t('case.resolution')}</dt>
            <dd>
              <CaseDeadline
                deadline={c.deadlines.resolucion}
                now={now}
                timeZone={timeZone}
                testId="deadline-resolucion"
              />
            </dd>
          </div>
          {c.followsUpFolio && (
            <div>
              <dt>{t('case.followsUp')}</dt>
              <dd>
                <Link to={PATHS.case(c.followsUpFolio)}>{c.followsUpFolio}</Link>
              </dd>
            </div>
          )}
        </dl>
      </header>
      <div className="case__body">
        <div className="case__main">
          <Timeline kase={c} />
          {mayChange ? (
            <Composer ref={composer} kase={c} onSent={kase.reload} />
          ) : (
            <p className="notice case__read-only" data-testid="read-only">
              {t('caseHeader.readOnly', { area: c.area.name })}
            </p>
          )}
          <p className="muted shortcuts">{t('case.shortcuts')}</p>
        </div>
        <div className="case__side">
          <UnverifiedContact kase={c} onChanged={kase.reload} />
          {c.channel === 'telefono' && (
            <VerifyCaller
              folio={c.folio}
              customerId={c.customer.id}
              accountNumber={c.customer.accountNumber}
            />
          )}
          <CaseActions ref={actions} kase={c} mayChange={mayChange} onChanged={kase.reload} />
          <FailureTimes kase={c} mayChange={mayChange} onChanged={kase.reload} />
          <CaseIncident kase={c} mayChange={mayChange} onChanged={kase.reload} />
          <CustomerPanel
            kase={c}
            mayChange={mayChange}
            onAnswerBalance={(text) => composer.current?.fill(text)}
          />
          <CasePayments kase={c} mayChange={mayChange} />
          <CaseCompensations kase={c} mayChange={mayChange} />
          <CaseServiceOrders kase={c} mayChange={mayChange} />
          <CaseEvidence kase={c} mayChange={mayChange} />
          {c.requestType === 'cancelacion' && <CaseCancellation kase={c} mayChange={mayChange} />}
          {c.requestType === 'suspension' && <CaseSuspension kase={c} mayChange={mayChange} />}
          {c.requestType === 'arco' && <CaseArco kase={c} mayChange={mayChange} onChanged={kase.reload} />}
        </div>
      </div>
    </div>
  );
}
