import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { formatPhone } from '../../shared/format.ts';
import type { CaseDetail } from '../../shared/types.ts';
import { api } from '../api.ts';

/** What the case API adds for a contact given on the portal that matches an account. */
type ClaimedCase = CaseDetail & {
  claimedContact?: { kind: string; address: string } | null;
  proposedCustomer?: { id: string; name: string | null } | null;
};

/** A contact given on the portal matches an account: an agent of the case's area confirms it, or not. */
export function UnverifiedContact({
  kase,
  onChanged,
}: {
  kase: ClaimedCase;
  onChanged: () => Promise<void>;
}) {
  const { t } = useTranslation('console');
  const [failure, setFailure] = useState<ApiError>();
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const { claimedContact, proposedCustomer } = kase;
  // Once settled the claim is gone from the case; what was decided stays said until the page changes.
  if (!claimedContact || !proposedCustomer)
    return notice ? (
      <p role="status" className="notice-info">
        {notice}
      </p>
    ) : null;

  const decide = async (decision: 'confirmar' | 'rechazar') => {
    if (busy) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await api.post(`/cases/${encodeURIComponent(kase.folio)}/confirm-customer`, { decision });
      setNotice(t(decision === 'confirmar' ? 'unverified.confirmed' : 'unverified.rejected'));
      await onChanged();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  const contact =
    claimedContact.kind === 'email' ? claimedContact.address : formatPhone(claimedContact.address);
  return (
    <section className="panel notice-info" aria-labelledby="unverified-heading">
      <h2 id="unverified-heading">{t('unverified.heading', { customer: proposedCustomer.name ?? '—' })}</h2>
      <p>{t('unverified.explanation', { contact })}</p>
      <div className="actions">
        <button type="button" className="button button--primary" onClick={() => void decide('confirmar')}>
          {t('unverified.confirm')}
        </button>{' '}
        <button type="button" className="button" onClick={() => void decide('rechazar')}>
          {t('unverified.reject')}
        </button>
      </div>
      <ErrorMessage error={failure} />
    </section>
  );
}
