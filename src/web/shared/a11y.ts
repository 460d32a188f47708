import { useEffect, useRef } from 'react';

/**
 * Moves focus to the main heading whenever `key` changes (a new page or a new step), so keyboard and
 * screen-reader users start reading where the content changed; the first render leaves focus alone.
 */
export function useFocusHeading(key: string) {
  const previous = useRef(key);
  useEffect(() => {
    if (previous.current === key) return;
    previous.current = key;
    focusHeading();
  });
}

/** Focuses the main heading, making it focusable from script only. */
export function focusHeading() {
  const heading = document.querySelector<HTMLElement>('main h1');
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus();
}

/** A random id for a form submission; randomUUID needs a secure context, getRandomValues does not. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
