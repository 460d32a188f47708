import type { ReactNode, RefObject } from 'react';
import { useTranslation } from 'react-i18next';

/** The ARIA wiring of an input: its id, whether it is wrong, and which texts describe it. */
export function describedBy(id: string, options: { hint?: boolean; error?: string }) {
  const ids = [options.hint ? `${id}-hint` : '', options.error ? `${id}-error` : ''].filter(Boolean);
  return {
    id,
    'aria-invalid': options.error ? true : undefined,
    'aria-describedby': ids.length > 0 ? ids.join(' ') : undefined,
  } as const;
}

/**
 * A labelled form field with its hint and its error message. The input itself is the child, given
 * `describedBy(id, …)`, so any control (input, select, textarea) fits.
 */
export function Field({
  id,
  label,
  hint,
  error,
  required = false,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required ? (
          <span className="field__required">
            {' '}
            <span aria-hidden="true">*</span>
            <span className="visually-hidden">({t('required')})</span>
          </span>
        ) : null}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}

/** The list of problems shown above a form after a failed submit, each linking to its field. */
export function ErrorSummary({
  heading,
  errors,
  summaryRef,
}: {
  heading: string;
  errors: Array<{ field: string; message: string }>;
  summaryRef: RefObject<HTMLDivElement | null>;
}) {
  if (errors.length === 0) return null;
  return (
    <div className="error-summary" ref={summaryRef} tabIndex={-1} role="alert">
      <p className="error-summary__heading">{heading}</p>
      <ul>
        {errors.map((error) => (
          <li key={error.field}>
            <a href={`#${error.field}`}>{error.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}
