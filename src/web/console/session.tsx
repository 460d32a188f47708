import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import type { Agent, AgentSummary, Area, Presence, ProviderSettings, SessionInfo } from '../shared/types.ts';
import { api } from './api.ts';

/**
 * `GET /auth/session` and the login's answer (the same shape); after an admin's reset,
 * `mustChangePassword` allows nothing but the password change until it is done.
 */
export type ConsoleSessionInfo = SessionInfo;

export interface SessionData {
  agent: AgentSummary;
  me: Agent;
  settings: ProviderSettings;
  areas: Area[];
  /** Every agent, to name who wrote or did what in timelines and to assign cases. */
  agents: Agent[];
}

export interface Session extends SessionData {
  timeZone: string;
  setPresence(presence: Presence): Promise<void>;
  /** After a heartbeat: the presence the server holds (it may have brought us back on line). */
  notePresence(presence: Presence): void;
  reloadDirectory(): Promise<void>;
  logout(): Promise<void>;
  agentName(id: string | null): string | undefined;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Everything the console needs about the logged-in agent and the organisation, loaded once per login. */
export async function loadSession(info: SessionInfo): Promise<SessionData> {
  api.setCsrfToken(info.csrfToken);
  const [me, settings, areas, agents] = await Promise.all([
    api.get<Agent>('/agents/me'),
    api.get<ProviderSettings>('/settings'),
    api.get<Area[]>('/areas'),
    api.get<Agent[]>('/agents'),
  ]);
  return { agent: info.agent, me, settings, areas, agents };
}

export function SessionProvider({
  initial,
  onLogout,
  children,
}: {
  initial: SessionData;
  onLogout: () => void;
  children: ReactNode;
}) {
  const [data, setData] = useState(initial);

  const setPresence = useCallback(async (presence: Presence) => {
    const me = await api.put<Agent>('/agents/me/presence', { presence });
    setData((d) => ({ ...d, me }));
  }, []);

  const notePresence = useCallback((presence: Presence) => {
    setData((d) => (d.me.presence === presence ? d : { ...d, me: { ...d.me, presence } }));
  }, []);

  const reloadDirectory = useCallback(async () => {
    const [me, areas, agents] = await Promise.all([
      api.get<Agent>('/agents/me'),
      api.get<Area[]>('/areas'),
      api.get<Agent[]>('/agents'),
    ]);
    setData((d) => ({ ...d, me, areas, agents }));
  }, []);

  const logout = useCallback(async () => {
    await api.post('/auth/logout').catch(() => undefined);
    api.setCsrfToken(null);
    onLogout();
  }, [onLogout]);

  const session = useMemo<Session>(() => {
    const names = new Map(data.agents.map((a) => [a.id, a.name]));
    return {
      ...data,
      timeZone: data.settings.provider.timeZone,
      setPresence,
      notePresence,
      reloadDirectory,
      logout,
      agentName: (id) => (id ? names.get(id) : undefined),
    };
  }, [data, setPresence, notePresence, reloadDirectory, logout]);

  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
