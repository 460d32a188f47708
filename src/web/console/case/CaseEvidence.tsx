import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../shared/types.ts';
import { useSession } from '../session.tsx';

/**
 * The case's file for a PROFECO conciliation, for the supervisors of its area and admins (as the API
 * decides, evidence.service.ts): plain links, so the browser downloads it with the session cookie.
 */
export function CaseEvidence({ kase, mayChange }: { kase: CaseDetail; mayChange: boolean }) {
  const { t } = useTranslation('console');
  const { agent } = useSession();
  if (!(agent.role === 'admin' || (agent.role === 'supervisor' && mayChange))) return null;
  const base = `/api/v1/cases/${encodeURIComponent(kase.folio)}/evidence`;
  return (
    <section className="panel" aria-labelledby="case-evidence-heading" data-testid="case-evidence">
      <h2 id="case-evidence-heading">{t('evidence.heading')}</h2>
      <p>
        <a href={`${base}.pdf`} download aria-label={t('evidence.pdfLabel')}>
          {t('evidence.pdf')}
        </a>
        {' · '}
        <a href={`${base}.json`} download aria-label={t('evidence.jsonLabel')}>
          {t('evidence.json')}
        </a>
      </p>
    </section>
  );
}
