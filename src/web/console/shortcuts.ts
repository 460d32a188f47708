import { useEffect, useRef } from 'react';

/**
 * Alt+letter shortcuts, keyed by lower-case letter and matched on the physical key, so they work on any
 * layout (Alt+R types "®" on a Mac). The modifier keeps them from firing while typing, as WCAG 2.1.4 asks.
 */
export function useAltShortcuts(bindings: Record<string, () => void>) {
  const current = useRef(bindings);
  current.current = bindings;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const letter = /^Key([A-Z])$/.exec(event.code)?.[1]?.toLowerCase();
      const action = letter ? current.current[letter] : undefined;
      if (!action) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Whether a key press goes into a field (or a control that uses letters itself), not to the page. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Single-key shortcuts keyed by `event.key` ("j", "/", "?"; named keys in lower case: "arrowdown"), as mail and issue trackers
 * use for moving through lists. They never fire while typing in a field or with Ctrl, Alt or Meta held,
 * so they cannot swallow text; a binding returning false lets the key through.
 */
export function useKeyShortcuts(bindings: Record<string, (event: KeyboardEvent) => unknown>) {
  const current = useRef(bindings);
  current.current = bindings;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (isTypingTarget(event.target)) return;
      // A modal dialog owns the keyboard while open.
      if (document.querySelector('dialog[open]')) return;
      const name = event.key.length > 1 ? event.key.toLowerCase() : event.key;
      const action = current.current[name];
      if (!action || action(event) === false) return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** The shortcuts the help dialog lists, in the order they are learned; labels are i18n keys. */
export const SHORTCUT_LIST = {
  inbox: [
    { keys: ['j', '↓'], label: 'next' },
    { keys: ['k', '↑'], label: 'previous' },
    { keys: ['Enter'], label: 'open' },
    { keys: ['x'], label: 'select' },
    { keys: ['/'], label: 'search' },
  ],
  case: [
    { keys: ['Alt+R'], label: 'reply' },
    { keys: ['Alt+N'], label: 'note' },
    { keys: ['Alt+T'], label: 'transfer' },
    { keys: ['Alt+J'], label: 'nextCase' },
    { keys: ['Ctrl+Enter'], label: 'send' },
  ],
  anywhere: [
    { keys: ['?'], label: 'help' },
    { keys: ['Esc'], label: 'close' },
  ],
} as const;
