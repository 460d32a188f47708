import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatSize } from '../../shared/format.ts';
import type { Attachment } from '../../shared/types.ts';

const IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const urlOf = (file: Attachment, inline = false) =>
  `/api/v1/attachments/${file.sha256}${inline ? '?inline=1' : ''}`;

/**
 * A message's files: pictures as thumbnails that open larger in the page, PDFs opened by the browser in a
 * new tab, and every file downloadable. All come from the API with the agent's session.
 */
export function AttachmentList({ files }: { files: Attachment[] }) {
  const { t } = useTranslation('console');
  const dialog = useRef<HTMLDialogElement>(null);
  const [shown, setShown] = useState<Attachment>();
  const show = (file: Attachment) => {
    setShown(file);
    dialog.current?.showModal();
  };
  return (
    <>
      <ul className="entry__files attachments" aria-label={t('timeline.attachments')}>
        {files.map((file) => (
          <li key={`${file.sha256}:${file.filename}`} className="attachment">
            {IMAGES.has(file.contentType) ? (
              <button
                type="button"
                className="attachment__thumb"
                aria-label={t('attachments.preview', { name: file.filename })}
                onClick={() => show(file)}
              >
                <img src={urlOf(file, true)} alt="" loading="lazy" />
              </button>
            ) : null}
            {file.contentType === 'application/pdf' ? (
              <a href={urlOf(file, true)} target="_blank" rel="noopener">
                {t('attachments.open', { name: file.filename })}
              </a>
            ) : (
              <span className="attachment__name">{file.filename}</span>
            )}{' '}
            <span className="muted">({formatSize(file.size)})</span>{' '}
            <a href={urlOf(file)} download={file.filename}>
              {t('attachments.download')}
              <span className="visually-hidden"> {file.filename}</span>
            </a>
          </li>
        ))}
      </ul>
      <dialog
        ref={dialog}
        className="dialog attachment-preview"
        aria-label={shown ? t('attachments.preview', { name: shown.filename }) : undefined}
        onClose={() => setShown(undefined)}
      >
        {shown && (
          <figure>
            <img src={urlOf(shown, true)} alt={shown.filename} />
            <figcaption>{shown.filename}</figcaption>
          </figure>
        )}
        <button type="button" className="button" onClick={() => dialog.current?.close()}>
          {t('attachments.close')}
        </button>
      </dialog>
    </>
  );
}
