import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { SHORTCUT_LIST, useKeyShortcuts } from '../shortcuts.ts';

/** `?` anywhere in the console lists the keyboard shortcuts; Esc or the button closes the list. */
export function ShortcutsDialog() {
  const { t } = useTranslation('console');
  const dialog = useRef<HTMLDialogElement>(null);
  useKeyShortcuts({
    '?': () => dialog.current?.showModal(),
  });
  return (
    <dialog ref={dialog} className="dialog shortcuts-dialog" aria-labelledby="shortcuts-heading">
      <h2 id="shortcuts-heading">{t('shortcuts.heading')}</h2>
      {(Object.keys(SHORTCUT_LIST) as Array<keyof typeof SHORTCUT_LIST>).map((group) => (
        <section key={group} aria-labelledby={`shortcuts-${group}`}>
          <h3 id={`shortcuts-${group}`}>{t(`shortcuts.groups.${group}`)}</h3>
          <dl className="shortcuts-dialog__list">
            {SHORTCUT_LIST[group].map((shortcut) => (
              <div key={shortcut.label}>
                <dt>
                  {shortcut.keys.map((key, index) => (
                    <span key={key}>
                      {index > 0 && ` ${t('shortcuts.or')} `}
                      <kbd>{key}</kbd>
                    </span>
                  ))}
                </dt>
                <dd>{t(`shortcuts.actions.${shortcut.label}`)}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <form method="dialog">
        <button type="submit" className="button">
          {t('shortcuts.close')}
        </button>
      </form>
    </dialog>
  );
}
