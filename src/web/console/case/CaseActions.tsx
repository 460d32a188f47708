import { type FormEvent, type Ref, useImperativeHandle, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseMxn } from '../../../accounts/money.ts';
import { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { type CaseDetail, type CaseStatus, PRIORITIES, type Priority } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { instantFromInput } from './FailureTimes.tsx';
import { causeRequired, isFinal, NEXT_STATUSES } from './lifecycle.ts';

export interface ActionsHandle {
  openTransfer(): void;
}

type Run = (action: () => Promise<unknown>, done: string) => Promise<boolean>;

function useRunner(onChanged: () => Promise<void>) {
  const [failure, setFailure] = useState<ApiError>();
  const [notice, setNotice] = useState('');
  const run: Run = async (action, done) => {
    setFailure(undefined);
    setNotice('');
    try {
      await action();
      setNotice(done);
      await onChanged();
      return true;
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
      return false;
    }
  };
  return { failure, notice, run };
}

function StatusForm({ kase, run }: { kase: CaseDetail; run: Run }) {
  const { t } = useTranslation(['console', 'common']);
  const { settings, timeZone } = useSession();
  const [restoredAt, setRestoredAt] = useState('');
  const [status, setStatus] = useState<CaseStatus | ''>('');
  const [causeCode, setCauseCode] = useState('');
  const [discardReason, setDiscardReason] = useState<'duplicado' | 'spam'>('duplicado');
  const [duplicateOf, setDuplicateOf] = useState('');
  const [note, setNote] = useState('');
  const [causeMissing, setCauseMissing] = useState(false);
  const [improperAmount, setImproperAmount] = useState('');
  const [improperEntry, setImproperEntry] = useState('');
  const [improperError, setImproperError] = useState<string>();
  const improperCharge =
    status === 'resuelto' && kase.requestType === 'aclaracion' && kase.subtype === 'cargo_indebido';
  // Taking or giving a case goes through Assign, which names the agent.
  const options = NEXT_STATUSES[kase.status].filter((s) => s !== 'asignado');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!status) return;
    if (status === 'resuelto' && causeRequired(kase.requestType) && !causeCode) {
      setCauseMissing(true);
      return;
    }
    setCauseMissing(false);
    const refund = improperCharge && improperAmount.trim() ? parseMxn(improperAmount) : undefined;
    if (refund && (!refund.ok || refund.centavos <= 0)) {
      setImproperError(t('payments.badAmount'));
      return;
    }
    setImproperError(undefined);
    const ok = await run(
      () =>
        api.post(`/cases/${encodeURIComponent(kase.folio)}/status`, {
          status,
          causeCode: status === 'resuelto' && causeCode ? causeCode : undefined,
          serviceRestoredAt:
            status === 'resuelto' && kase.failure && restoredAt
              ? instantFromInput(restoredAt, timeZone)
              : undefined,
          discardReason: status === 'descartado' ? discardReason : undefined,
          duplicateOfFolio:
            status === 'descartado' && discardReason === 'duplicado'
              ? duplicateOf.trim() || undefined
              : undefined,
          note: note.trim() || undefined,
          improperCharge:
            refund?.ok === true
              ? {
                  amountCentavos: refund.centavos,
                  ledgerEntryId: improperEntry.trim() ? Number(improperEntry) : undefined,
                }
              : undefined,
        }),
      t('actions.statusChanged'),
    );
    if (ok) {
      setStatus('');
      setCauseCode('');
      setRestoredAt('');
      setNote('');
      setImproperAmount('');
      setImproperEntry('');
    }
  };

  if (options.length === 0) return null;
  return (
    <form className="action-form" onSubmit={(event) => void submit(event)} noValidate>
      <Field id="status-next" label={t('actions.status')}>
        <select
          id="status-next"
          value={status}
          onChange={(event) => setStatus(event.target.value as CaseStatus)}
        >
          <option value="">{t('actions.statusChoose')}</option>
          {options.map((s) => (
            <option key={s} value={s}>
              {t(`common:status.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      {status === 'resuelto' && (
        <Field
          id="status-cause"
          label={t('actions.cause')}
          required={causeRequired(kase.requestType)}
          error={causeMissing ? t('actions.causeRequired') : undefined}
        >
          <select
            {...describedBy('status-cause', { error: causeMissing ? t('actions.causeRequired') : undefined })}
            value={causeCode}
            onChange={(event) => setCauseCode(event.target.value)}
          >
            <option value="">{t('actions.causeChoose')}</option>
            {settings.causeCodes.map((cause) => (
              <option key={cause.code} value={cause.code}>
                {cause.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      {status === 'resuelto' && kase.failure && (
        <Field
          id="status-restored"
          label={t('failureTimes.restoredAt')}
          required={!kase.failure.restoredAt}
          hint={kase.failure.restoredAt ? t('failureTimes.recordedHint') : undefined}
        >
          <input
            {...describedBy('status-restored', { hint: Boolean(kase.failure.restoredAt) })}
            type="datetime-local"
            value={restoredAt}
            onChange={(event) => setRestoredAt(event.target.value)}
          />
        </Field>
      )}
      {improperCharge && (
        <>
          <Field
            id="status-improper-amount"
            label={t('compensations.improperCharge')}
            hint={t('compensations.improperChargeHint')}
            error={improperError}
          >
            <input
              {...describedBy('status-improper-amount', { hint: true, error: improperError })}
              inputMode="decimal"
              value={improperAmount}
              onChange={(event) => setImproperAmount(event.target.value)}
            />
          </Field>
          {improperAmount.trim() && (
            <Field id="status-improper-entry" label={t('compensations.improperChargeEntry')}>
              <input
                id="status-improper-entry"
                inputMode="numeric"
                pattern="[0-9]*"
                value={improperEntry}
                onChange={(event) => setImproperEntry(event.target.value)}
              />
            </Field>
          )}
        </>
      )}
      {status === 'descartado' && (
        <>
          <Field id="status-discard" label={t('actions.discardReason')}>
            <select
              id="status-discard"
              value={discardReason}
              onChange={(event) => setDiscardReason(event.target.value === 'spam' ? 'spam' : 'duplicado')}
            >
              <option value="duplicado">{t('actions.duplicado')}</option>
              <option value="spam">{t('actions.spam')}</option>
            </select>
          </Field>
          {discardReason === 'duplicado' && (
            <Field id="status-duplicate" label={t('actions.duplicateOf')}>
              <input
                id="status-duplicate"
                value={duplicateOf}
                onChange={(event) => setDuplicateOf(event.target.value)}
              />
            </Field>
          )}
        </>
      )}
      {status && (
        <Field id="status-note" label={t('actions.note')}>
          <textarea
            id="status-note"
            rows={2}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
        </Field>
      )}
      <button type="submit" className="button" disabled={!status}>
        {t('actions.changeStatus')}
      </button>
    </form>
  );
}

function AssignForm({ kase, run }: { kase: CaseDetail; run: Run }) {
  const { t } = useTranslation(['console', 'common']);
  const { agent, me, agents } = useSession();
  const [agentId, setAgentId] = useState('');
  const inArea = me.areaIds.includes(kase.area.id);
  const supervises = agent.role === 'admin' || (agent.role === 'supervisor' && inArea);
  const candidates = agents.filter((a) => a.active && a.areaIds.includes(kase.area.id));
  const assign = (id: string) =>
    run(
      () => api.post(`/cases/${encodeURIComponent(kase.folio)}/assign`, { agentId: id }),
      t('actions.assigned'),
    );
  return (
    <div className="action-form">
      {kase.status === 'nuevo' && inArea && kase.assignee?.id !== agent.id && (
        <button type="button" className="button" onClick={() => void assign(agent.id)}>
          {t('actions.take')}
        </button>
      )}
      {supervises && candidates.length > 0 && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (agentId) void assign(agentId);
          }}
        >
          <label htmlFor="assign-agent">{t('actions.assignTo')}</label>
          <select id="assign-agent" value={agentId} onChange={(event) => setAgentId(event.target.value)}>
            <option value="">{t('actions.statusChoose')}</option>
            {candidates.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({t(`presence.${a.presence}`)})
              </option>
            ))}
          </select>
          <button type="submit" className="button button--small" disabled={!agentId}>
            {t('actions.assign')}
          </button>
        </form>
      )}
    </div>
  );
}

function TransferDialog({
  kase,
  run,
  dialogRef,
}: {
  kase: CaseDetail;
  run: Run;
  dialogRef: Ref<HTMLDialogElement>;
}) {
  const { t } = useTranslation(['console', 'common']);
  const { areas, agents } = useSession();
  const [areaId, setAreaId] = useState('');
  const [agentId, setAgentId] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ area?: string; reason?: string }>({});
  const targets = areas.filter((a) => a.active && a.id !== kase.area.id);
  const people = agents.filter((a) => a.active && a.areaIds.includes(Number(areaId)));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const dialog = event.currentTarget.closest('dialog');
    const found: typeof errors = {};
    if (!areaId) found.area = t('actions.transferAreaRequired');
    if (reason.trim().length < 3) found.reason = t('actions.transferReasonRequired');
    setErrors(found);
    if (found.area || found.reason) return;
    dialog?.close();
    const ok = await run(
      () =>
        api.post(`/cases/${encodeURIComponent(kase.folio)}/transfer`, {
          areaId: Number(areaId),
          reason: reason.trim(),
          agentId: agentId || undefined,
        }),
      t('actions.transferred'),
    );
    if (ok) {
      setAreaId('');
      setAgentId('');
      setReason('');
    }
  };

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby="transfer-heading">
      <form onSubmit={(event) => void submit(event)} noValidate className="form">
        <h2 id="transfer-heading">{t('actions.transferHeading', { folio: kase.folio })}</h2>
        <Field id="transfer-area" label={t('actions.transferArea')} error={errors.area} required>
          <select
            {...describedBy('transfer-area', { error: errors.area })}
            value={areaId}
            onChange={(event) => {
              setAreaId(event.target.value);
              setAgentId('');
            }}
          >
            <option value="">{t('actions.statusChoose')}</option>
            {targets.map((area) => (
              <option key={area.id} value={String(area.id)}>
                {area.name}
              </option>
            ))}
          </select>
        </Field>
        {people.length > 0 && (
          <Field id="transfer-agent" label={t('actions.transferAgent')}>
            <select id="transfer-agent" value={agentId} onChange={(event) => setAgentId(event.target.value)}>
              <option value="">{t('actions.transferAnyone')}</option>
              {people.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field
          id="transfer-reason"
          label={t('actions.transferReason')}
          hint={t('actions.transferReasonHint')}
          error={errors.reason}
          required
        >
          <textarea
            {...describedBy('transfer-reason', { hint: true, error: errors.reason })}
            rows={3}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </Field>
        <div className="actions">
          <button type="submit" className="button button--primary">
            {t('actions.transferSubmit')}
          </button>
          <button
            type="button"
            className="button"
            onClick={(event) => event.currentTarget.closest('dialog')?.close()}
          >
            {t('common:cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/**
 * Status, assignment, priority and transfer of a case. Only what the agent may do is offered (the API
 * refuses the rest anyway): an agent of another area sees the case but none of its actions.
 */
export function CaseActions({
  kase,
  mayChange,
  onChanged,
  ref,
}: {
  kase: CaseDetail;
  /** Whether the agent may change this case: an admin, or an agent of its area. */
  mayChange: boolean;
  onChanged: () => Promise<void>;
  ref: Ref<ActionsHandle>;
}) {
  const { t } = useTranslation(['console', 'common']);
  const { failure, notice, run } = useRunner(onChanged);
  const dialog = useRef<HTMLDialogElement>(null);
  const final = isFinal(kase.status);
  useImperativeHandle(ref, () => ({
    openTransfer() {
      if (!final && mayChange) dialog.current?.showModal();
    },
  }));
  if (!mayChange) return null;

  return (
    <section className="panel" aria-labelledby="actions-heading">
      <h2 id="actions-heading">{t('actions.heading')}</h2>
      <ErrorMessage error={failure} />
      <p className="notice" role="status">
        {notice}
      </p>
      {final ? (
        <p className="muted">{t('actions.final', { status: t(`common:status.${kase.status}`) })}</p>
      ) : (
        <>
          <StatusForm kase={kase} run={run} />
          <AssignForm kase={kase} run={run} />
          <div className="action-form">
            <button type="button" className="button" onClick={() => dialog.current?.showModal()}>
              {t('actions.transfer')}
            </button>
          </div>
          <div className="action-form inline-form">
            <label htmlFor="case-priority">{t('actions.priority')}</label>
            <select
              id="case-priority"
              value={kase.priority}
              onChange={(event) =>
                void run(
                  () =>
                    api.patch(`/cases/${encodeURIComponent(kase.folio)}`, {
                      priority: event.target.value as Priority,
                    }),
                  t('actions.priorityChanged'),
                )
              }
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </div>
          <TransferDialog kase={kase} run={run} dialogRef={dialog} />
        </>
      )}
    </section>
  );
}
