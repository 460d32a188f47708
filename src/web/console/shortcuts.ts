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
