import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { LiveEvent } from '../shared/types.ts';
import { type Listener, LiveConnection, type LiveStatus } from './live-connection.ts';

interface Live {
  status: LiveStatus;
  subscribe(listener: Listener): () => void;
}

const LiveContext = createContext<Live | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [connection] = useState(() => new LiveConnection('/api/v1/live', setStatus));
  useEffect(() => {
    connection.open();
    return () => connection.close();
  }, [connection]);
  const value = useMemo(
    () => ({ status, subscribe: (listener: Listener) => connection.subscribe(listener) }),
    [status, connection],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext)?.status ?? 'connecting';
}

/**
 * Calls `onEvent` for every live event; bursts (a new case brings several events) are folded into one
 * call after a short pause, so a list refetches once.
 */
export function useLiveEvents(onEvent: (events: LiveEvent[]) => void, settleMs = 250) {
  const live = useContext(LiveContext);
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
