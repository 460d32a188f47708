import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, useLocation } from '../../shared/router.tsx';
import type { CaseList } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';
import { titleWithCount } from './title.ts';

const SOUND_KEY = 'atiende.newCaseSound';

// The sound preference is read by the alerts in the shell and changed by the toggle in the inbox.
const soundListeners = new Set<() => void>();
const soundOn = () => {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
};
function setSound(on: boolean) {
  try {
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // Without storage the choice is lost on reload; the toggle still shows what is stored.
  }
  for (const listener of soundListeners) listener();
}
const subscribeSound = (listener: () => void) => {
  soundListeners.add(listener);
  return () => {
    soundListeners.delete(listener);
  };
};

let audio: AudioContext | undefined;
// Browsers let a page make sound only after a gesture: the toggle's click creates the audio context.
function unlockAudio() {
  audio ??= new AudioContext();
  void audio.resume();
}
function chime() {
  if (audio?.state !== 'running') return;
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
  tone.connect(gain).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.4);
}

const desktopPermission = (): NotificationPermission | 'unsupported' =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/**
 * New cases in my areas' queues, counted in the tab's title until I look at the inbox, with a chime
 * (when switched on) and a desktop notification (when allowed) while the tab is out of sight.
 */
export function useNewCaseAlerts() {
  const { t } = useTranslation('console');
  const { me } = useSession();
  const { path } = useLocation();
  const [unseen, setUnseen] = useState(0);
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  const looking = visible && path === PATHS.inbox;

  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  useEffect(() => {
    if (looking) setUnseen(0);
  }, [looking]);
  // Sound switched on in an earlier visit: the first click or key press of this one allows it again.
  useEffect(() => {
    const unlock = () => {
      if (soundOn()) unlockAudio();
    };
    window.addEventListener('pointerdown', unlock, { once: true });
    window.addEventListener('keydown', unlock, { once: true });
    return () => {
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, []);
  useEffect(() => {
    document.title = titleWithCount(`${t('appName')} · ${t('title')}`, unseen);
  }, [t, unseen]);

  const areaIds = me.areaIds.join(',');
  useLiveEvents((events) => {
    const folios = events.filter((e) => e.kind === 'created' && e.folio).map((e) => e.folio as string);
    if (folios.length === 0 || !areaIds) return;
    // The event names only the case; whether it landed in my queues is the server's answer.
    void Promise.all(
      folios.map((folio) =>
        api
          .get<CaseList>('/cases', { areaIds, q: folio, limit: 5 })
          .then((page) => page.items.find((item) => item.folio === folio))
          .catch(() => undefined),
      ),
    ).then((found) => {
      const mine = found.filter((item) => item !== undefined);
      if (mine.length === 0) return;
      const hidden = document.visibilityState !== 'visible';
      if (hidden || window.location.pathname !== PATHS.inbox) setUnseen((n) => n + mine.length);
      if (soundOn()) chime();
      if (hidden && desktopPermission() === 'granted') {
        for (const item of mine) {
          const note = new Notification(t('notifications.newCase', { folio: item.folio }), {
            body: item.subject,
            tag: item.folio,
          });
          note.onclick = () => {
            window.focus();
            navigate(PATHS.case(item.folio));
          };
        }
      }
    });
  });
}

/** The agent's choices for new-case alerts: a sound (off until switched on) and desktop notifications. */
export function NotificationSettings() {
  const { t } = useTranslation('console');
  const sound = useSyncExternalStore(subscribeSound, soundOn);
  const [permission, setPermission] = useState(desktopPermission);
  const ask = async () => setPermission(await Notification.requestPermission());
  return (
    <fieldset className="inbox-alerts">
      <legend>{t('notifications.legend')}</legend>
      <label>
        <input
          type="checkbox"
          checked={sound}
          onChange={(event) => {
            if (event.target.checked) unlockAudio();
            setSound(event.target.checked);
          }}
        />{' '}
        {t('notifications.sound')}
      </label>
      {permission === 'default' && (
        <button type="button" className="button button--small" onClick={() => void ask()}>
          {t('notifications.enableDesktop')}
        </button>
      )}
      {(permission === 'granted' || permission === 'denied') && (
        <span className="muted">{t(`notifications.desktop.${permission}`)}</span>
      )}
    </fieldset>
  );
}
