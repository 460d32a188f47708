import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFocusHeading } from '../shared/a11y.ts';
import { ApiError } from '../shared/api.ts';
import { LanguageSwitch } from '../shared/components.tsx';
import { Link, matchPath, navigate, useLocation } from '../shared/router.tsx';
import type { Presence } from '../shared/types.ts';
import { api } from './api.ts';
import { ChangePassword } from './ChangePassword.tsx';
import { FieldApp } from './field/FieldApp.tsx';
import { ShortcutsDialog } from './inbox/ShortcutsDialog.tsx';
import { Login } from './Login.tsx';
import { LiveProvider, useLiveStatus } from './live.tsx';
import { useNewCaseAlerts } from './notifications/alerts.tsx';
import { NAV, PATHS, ROUTES } from './routes.tsx';
import {
  type ConsoleSessionInfo,
  loadSession,
  type SessionData,
  SessionProvider,
  useSession,
} from './session.tsx';

const HEARTBEAT_MS = 30_000;

/** Keeps the agent's presence alive for routing: the server marks an agent silent for 2 minutes desconectado. */
function useHeartbeat() {
  const { notePresence, logout } = useSession();
  useEffect(() => {
    const beat = () =>
      api
        .post<{ presence: Presence }>('/agents/me/heartbeat')
        .then((answer) => notePresence(answer.presence))
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 401) void logout();
        });
    void beat();
    const timer = setInterval(beat, HEARTBEAT_MS);
    return () => clearInterval(timer);
  }, [notePresence, logout]);
}

function PresenceControl() {
  const { t } = useTranslation(['console', 'common']);
  const { me, setPresence } = useSession();
  return (
    <label className="presence">
      <span className={`presence__dot presence__dot--${me.presence}`} aria-hidden="true" />
      <span className="visually-hidden">{t('header.presence')}</span>
      <select
        value={me.presence === 'desconectado' ? 'ausente' : me.presence}
        onChange={(event) => void setPresence(event.target.value as Presence)}
      >
        <option value="en_linea">{t('presence.en_linea')}</option>
        <option value="ausente">{t('presence.ausente')}</option>
      </select>
    </label>
  );
}

function Shell() {
  const { t } = useTranslation(['console', 'common']);
  const session = useSession();
  const live = useLiveStatus();
  const { path } = useLocation();
  useHeartbeat();
  useFocusHeading(path);
  useNewCaseAlerts();

  const allowed = (roles?: string[]) => !roles || roles.includes(session.agent.role);
  let section: string | undefined;
  let page: ReactNode = <p>{t('notFoundPage')}</p>;
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    section = route.section;
    page = allowed(route.roles) ? route.render(params) : <p className="error">{t('forbidden')}</p>;
    break;
  }

  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="console-header">
        <Link to="/" className="console-header__brand">
          {t('appName')}
        </Link>
        <nav aria-label={t('nav.label')}>
          <ul className="console-nav">
            {NAV.filter((item) => allowed(item.roles)).map((item) => (
              <li key={item.section}>
                <Link to={item.to} aria-current={section === item.section ? 'page' : undefined}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="console-header__tools">
          <span className={`live live--${live}`} role="status">
            {t(`header.live.${live}`)}
          </span>
          <PresenceControl />
          <span className="console-header__me">
            {session.agent.name} · {t(`role.${session.agent.role}`)}
          </span>
          <Link
            to={PATHS.password}
            className="console-header__account"
            aria-current={section === 'account' ? 'page' : undefined}
          >
            {t('header.changePassword')}
          </Link>
          <LanguageSwitch />
          <button type="button" className="button button--small" onClick={() => void session.logout()}>
            {t('header.logout')}
          </button>
        </div>
      </header>
      <main id="main" className="console-main" tabIndex={-1}>
        {page}
      </main>
      <ShortcutsDialog />
    </>
  );
}

/**
 * After an admin's reset the API answers nothing but the password change, so the console offers only
 * that, with a way out; once done the usual console loads.
 */
function ForcedPasswordChange({
  info,
  onChanged,
  onLogout,
}: {
  info: ConsoleSessionInfo;
  onChanged: () => Promise<void>;
  onLogout: () => void;
}) {
  const { t } = useTranslation(['console', 'common']);
  const logout = async () => {
    await api.post('/auth/logout').catch(() => undefined);
    api.setCsrfToken(null);
    onLogout();
  };
  return (
    <>
      <header className="console-header">
        <span className="console-header__brand">{t('appName')}</span>
        <div className="console-header__tools">
          <span className="console-header__me">
            {info.agent.name} · {t(`role.${info.agent.role}`)}
          </span>
          <LanguageSwitch />
          <button type="button" className="button button--small" onClick={() => void logout()}>
            {t('header.logout')}
          </button>
        </div>
      </header>
      <main id="main" className="console-main" tabIndex={-1}>
        <ChangePassword forced onChanged={onChanged} />
      </main>
    </>
  );
}

type State =
  | { kind: 'loading' }
  | { kind: 'anonymous' }
  | { kind: 'passwordChange'; info: ConsoleSessionInfo }
  | { kind: 'field'; info: ConsoleSessionInfo }
  | { kind: 'ready'; data: SessionData };

/** What a session leads to: the forced password change, or the console with everything it needs. */
async function stateOf(info: ConsoleSessionInfo): Promise<State> {
  if (info.mustChangePassword) {
    api.setCsrfToken(info.csrfToken);
    return { kind: 'passwordChange', info };
  }
  // A technician's console is their day list only: the desk's data is not theirs to load.
  if (info.agent.role === 'tecnico') {
    api.setCsrfToken(info.csrfToken);
    return { kind: 'field', info };
  }
  return { kind: 'ready', data: await loadSession(info) };
}

/** The agent console: a login, then the shell with live updates and presence, routed by path. */
export function App() {
  const { t } = useTranslation(['console', 'common']);
  const [state, setState] = useState<State>({ kind: 'loading' });

  // Once logged in, the shell's new-case alerts own the title (they put the count in front).
  const ready = state.kind === 'ready';
  useEffect(() => {
    if (!ready) document.title = `${t('appName')} · ${t('title')}`;
  }, [t, ready]);

  useEffect(() => {
    api
      .get<ConsoleSessionInfo>('/auth/session')
      .then(stateOf)
      .then(setState)
      .catch(() => setState({ kind: 'anonymous' }));
  }, []);

  const onLogin = useCallback(async (info: ConsoleSessionInfo) => {
    setState(await stateOf(info));
  }, []);
  const onLogout = useCallback(() => setState({ kind: 'anonymous' }), []);

  if (state.kind === 'loading') return <p className="console-loading">{t('common:loading')}</p>;
  if (state.kind === 'anonymous') return <Login onLogin={onLogin} />;
  if (state.kind === 'passwordChange') {
    const { info } = state;
    const onChanged = async () => {
      navigate(PATHS.inbox, { replace: true });
      await onLogin({ ...info, mustChangePassword: false });
    };
    return <ForcedPasswordChange info={info} onChanged={onChanged} onLogout={onLogout} />;
  }
  if (state.kind === 'field') return <FieldApp info={state.info} onLogout={onLogout} />;
  return (
    <SessionProvider key={state.data.agent.id} initial={state.data} onLogout={onLogout}>
      <LiveProvider>
        <Shell />
      </LiveProvider>
    </SessionProvider>
  );
}
