import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, ErrorSummary, Field } from '../../shared/Field.tsx';
import { Link } from '../../shared/router.tsx';
import {
  type CallRegistered,
  type CaseDetail,
  type Customer,
  type DeliveryStatus,
  REQUEST_TYPES,
  type RequestType,
} from '../../shared/types.ts';
import { looksLikePhone } from '../../shared/validation.ts';
import { api } from '../api.ts';
import type { Representative } from '../customers/types.ts';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';
import { VerifyCaller } from './VerifyCaller.tsx';

/** The customer a caller's number acts for, as their representative (`GET /customers/representing`). */
type Representing = { representative: Representative; customer: { id: string; name: string | null } };

const RECEIPT_POLL_MS = 3_000;
const RECEIPT_POLLS = 40;

/** Follows the written receipt of a call until it leaves `pendiente` (or we stop asking). */
function useReceiptStatus(folio: string, receipt: CallRegistered['receipt']) {
  const [status, setStatus] = useState<{ delivery: DeliveryStatus; error: string | null } | undefined>(
    receipt ? { delivery: receipt.deliveryStatus, error: null } : undefined,
  );
  useEffect(() => {
    if (!receipt) return;
    let polls = 0;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      polls += 1;
      const detail = await api.get<CaseDetail>(`/cases/${encodeURIComponent(folio)}`).catch(() => undefined);
      const entry = detail?.timeline.find((e) => e.type === 'message' && e.message.id === receipt.messageId);
      if (entry?.type === 'message' && entry.message.deliveryStatus) {
        setStatus({ delivery: entry.message.deliveryStatus, error: entry.message.deliveryError });
        if (entry.message.deliveryStatus !== 'pendiente') stopped = true;
      }
      if (!stopped && polls < RECEIPT_POLLS) timer = setTimeout(() => void check(), RECEIPT_POLL_MS);
    };
    timer = setTimeout(() => void check(), RECEIPT_POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [folio, receipt]);
  return status;
}

function CallDone({ result, onAnother }: { result: CallRegistered; onAnother: () => void }) {
  const { t } = useTranslation(['console', 'common']);
  const status = useReceiptStatus(result.case.folio, result.receipt);
  return (
    <>
      <h1>{t('call.done')}</h1>
      <div className="folio-box">
        <p className="folio-box__label">{t('call.readFolio')}</p>
        <p className="folio-box__folio" data-testid="folio">
          {result.case.folio}
        </p>
      </div>
      <p role="status" data-testid="receipt-status">
        {result.receipt && status
          ? t('call.receiptStatus', {
              channel: t(`common:channel.${result.receipt.channel}`),
              status: t(`delivery.${status.delivery}`),
            })
          : t('call.receiptNone')}
      </p>
      {status?.error && <p className="error">{t('call.receiptError', { error: status.error })}</p>}
      <VerifyCaller
        folio={result.case.folio}
        customerId={result.case.customer.id}
        accountNumber={result.case.customer.accountNumber}
      />
      <div className="actions">
        <Link to={PATHS.case(result.case.folio)} className="button button--primary">
          {t('call.openCase')}
        </Link>
        <button type="button" className="button" onClick={onAnother}>
          {t('call.another')}
        </button>
      </div>
    </>
  );
}

/** A phone call becomes a case: the caller is found by number (or becomes a prospect), then the folio. */
export function RegisterCall() {
  const { t } = useTranslation(['console', 'common']);
  const { settings } = useSession();
  const [callerNumber, setCallerNumber] = useState('');
  const [match, setMatch] = useState<{
    number: string;
    customer: Customer | null;
    representing?: Representing;
  }>();
  const [customerName, setCustomerName] = useState('');
  const [requestType, setRequestType] = useState<RequestType | ''>('');
  const [subtype, setSubtype] = useState('');
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<{ callerNumber?: string; type?: string; notes?: string }>({});
  const [failure, setFailure] = useState<ApiError>();
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<CallRegistered>();
  const summaryRef = useRef<HTMLDivElement>(null);

  const lookUp = async () => {
    const number = callerNumber.trim();
    if (!looksLikePhone(number) || match?.number === number) return;
    try {
      const [found, representing] = await Promise.all([
        api.get<Customer[]>('/customers', { phone: number }),
        api.get<Representing[]>('/customers/representing', { phone: number }),
      ]);
      setMatch({ number, customer: found[0] ?? null, representing: representing[0] });
    } catch (caught) {
      if (caught instanceof ApiError) setFailure(caught);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    const found: typeof errors = {};
    if (!looksLikePhone(callerNumber.trim())) found.callerNumber = t('call.errors.callerNumber');
    if (!requestType) found.type = t('call.errors.type');
    if (notes.trim().length < 3) found.notes = t('call.errors.notes');
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    setSending(true);
    setFailure(undefined);
    try {
      setResult(
        await api.post<CallRegistered>('/calls', {
          callerNumber: callerNumber.trim(),
          requestType,
          subtype: subtype || undefined,
          notes: notes.trim(),
          customerName: customerName.trim() || undefined,
        }),
      );
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setSending(false);
    }
  };

  if (result) {
    return (
      <CallDone
        result={result}
        onAnother={() => {
          setResult(undefined);
          setCallerNumber('');
          setMatch(undefined);
          setCustomerName('');
          setRequestType('');
          setSubtype('');
          setNotes('');
        }}
      />
    );
  }

  const subtypes = settings.requestSubtypes.filter((s) => s.type === requestType);
  const known = match?.customer;
  const summary = Object.entries(errors).map(([field, message]) => ({
    field: field === 'type' ? 'call-type' : field === 'notes' ? 'call-notes' : 'call-number',
    message,
  }));
  return (
    <>
      <h1>{t('call.heading')}</h1>
      <p>{t('call.intro')}</p>
      <ErrorSummary heading={t('call.heading')} errors={summary} summaryRef={summaryRef} />
      <form className="form" noValidate onSubmit={(event) => void submit(event)}>
        <Field
          id="call-number"
          label={t('call.callerNumber')}
          hint={t('call.callerHint')}
          error={errors.callerNumber}
          required
        >
          <div className="inline-form">
            <input
              {...describedBy('call-number', { hint: true, error: errors.callerNumber })}
              type="tel"
              required
              value={callerNumber}
              onChange={(event) => setCallerNumber(event.target.value)}
              onBlur={() => void lookUp()}
            />
            <button type="button" className="button button--small" onClick={() => void lookUp()}>
              {t('call.lookup')}
            </button>
          </div>
        </Field>
        {match && (
          <p className="notice-info" role="status" data-testid="caller-match">
            {known
              ? known.accountNumber
                ? t('call.foundAccount', {
                    name: known.name ?? t('call.unnamed'),
                    account: known.accountNumber,
                  })
                : t('call.found', { name: known.name ?? t('call.unnamed') })
              : t('call.notFound')}
          </p>
        )}
        {match?.representing && (
          <p className="notice-info" data-testid="caller-represents">
            {t('call.represents', {
              name: match.representing.representative.name,
              customer: match.representing.customer.name ?? t('call.unnamed'),
              scope: match.representing.representative.scope
                ? match.representing.representative.scope
                    .map((type) => t(`common:requestType.${type as RequestType}`))
                    .join(', ')
                : t('customerPage.representatives.everything'),
            })}
          </p>
        )}
        {match && !known && (
          <Field id="call-name" label={t('call.customerName')}>
            <input
              id="call-name"
              value={customerName}
              onChange={(event) => setCustomerName(event.target.value)}
            />
          </Field>
        )}
        <Field id="call-type" label={t('call.type')} error={errors.type} required>
          <select
            {...describedBy('call-type', { error: errors.type })}
            required
            value={requestType}
            onChange={(event) => {
              setRequestType(event.target.value as RequestType);
              setSubtype('');
            }}
          >
            <option value="">{t('call.typeChoose')}</option>
            {REQUEST_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`common:requestType.${type}`)}
              </option>
            ))}
          </select>
        </Field>
        {subtypes.length > 0 && (
          <Field id="call-subtype" label={t('call.subtype')}>
            <select id="call-subtype" value={subtype} onChange={(event) => setSubtype(event.target.value)}>
              <option value="">{t('call.subtypeNone')}</option>
              {subtypes.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field id="call-notes" label={t('call.notes')} error={errors.notes} required>
          <textarea
            {...describedBy('call-notes', { error: errors.notes })}
            required
            rows={5}
            value={notes}
            onChange={(event) => setNotes(event.target.value)}
          />
        </Field>
        <ErrorMessage error={failure} />
        <button type="submit" className="button button--primary">
          {sending ? t('call.submitting') : t('call.submit')}
        </button>
      </form>
    </>
  );
}
