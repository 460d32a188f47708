import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { ErrorMessage } from '../shared/components.tsx';
import { api } from './api.ts';
import type { Credentials } from './Lookup.tsx';

type Format = 'json' | 'pdf';

/**
 * On an ARCO case: the person's data as a file, once their access request was carried out. The folio and
 * its contact go in the request's body, as for the receipt; until then the server answers as for an
 * unknown folio, and this says the delivery is not ready.
 */
export function AccessExport({ credentials }: { credentials: Credentials }) {
  const { t } = useTranslation('portal');
  const [failure, setFailure] = useState<ApiError>();
  const [notReady, setNotReady] = useState(false);
  const [busy, setBusy] = useState<Format>();

  const download = async (format: Format) => {
    setFailure(undefined);
    setNotReady(false);
    setBusy(format);
    try {
      const blob = await api.postForBlob('/portal/access-export', { ...credentials, format });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `datos-personales-${credentials.folio}.${format}`;
      document.body.append(link);
      link.click();
      link.remove();
      // The download has started from the URL by now; keep it a moment for slow browsers.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      if (caught.status === 404) setNotReady(true);
      else setFailure(caught);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="access-export-heading">
      <h2 id="access-export-heading">{t('accessExport.heading')}</h2>
      <p>{t('accessExport.intro')}</p>
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={busy !== undefined}
          onClick={() => void download('pdf')}
        >
          {t('accessExport.pdf')}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy !== undefined}
          onClick={() => void download('json')}
        >
          {t('accessExport.json')}
        </button>
      </div>
      <p role="status" className="notice">
        {notReady ? t('accessExport.notReady') : ''}
      </p>
      <ErrorMessage error={failure} />
    </section>
  );
}
