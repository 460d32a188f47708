import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import type { LiveEvent } from '../shared/types.ts';
import { LiveConnection, type LiveStatus } from './live-connection.ts';

// The connection and its status are separate contexts: a status change (a drop, a reconnection) must
// not re-run the subscribers' effects, which would throw away a batch of events waiting to be handled.
const ConnectionContext = createContext<LiveConnection | null>(null);
const StatusContext = createContext<LiveStatus>('connecting');

export function LiveProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [connection] = useState(() => new LiveConnection('/api/v1/live', setStatus));
  useEffect(() => {
    connection.open();
    return () => connection.close();
  }, [connection]);
  return (
    <ConnectionContext.Provider value={connection}>
      <StatusContext.Provider value={status}>{children}</StatusContext.Provider>
    </ConnectionContext.Provider>
  );
}

export function useLiveStatus(): LiveStatus {
  return useContext(StatusContext);
}

/**
 * Calls `onEvent` for every live event; bursts (a new case brings several events) are folded into one
 * call after a short pause, so a list refetches once.
 */
export function useLiveEvents(onEvent: (events: LiveEvent[]) => void, settleMs = 250) {
  const live = useContext(ConnectionContext);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!live) return;
    let pending: LiveEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = live.subscribe((event) => {
      pending.push(event);
      clearTimeout(timer);
      timer = setTimeout(() => {
        const batch = pending;
        pending = [];
        handler.current(batch);
      }, settleMs);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [live, settleMs]);
}
