import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api.ts';

/** The current time, refreshed every `intervalMs`, so countdowns tick without refetching. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export interface AsyncState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Loads again, keeping the current data on screen meanwhile (live updates must not flash). */
  reload: () => Promise<void>;
}

const asApiError = (error: unknown) =>
  error instanceof ApiError
    ? error
    : new ApiError({ status: 0, code: 'client.error', detail: String(error) });

/** Runs `load` when `deps` change; an answer that arrives after a newer request started is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const run = useCallback(
    async () => {
      const ticket = ++latest.current;
      setLoading(true);
      try {
        const value = await load();
        if (ticket !== latest.current) return;
        setData(value);
        setError(undefined);
      } catch (caught) {
        if (ticket === latest.current) setError(asApiError(caught));
      } finally {
        if (ticket === latest.current) setLoading(false);
      }
    },
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `load` depends on.
    deps,
  );
  useEffect(() => {
    void run();
  }, [run]);
  return { data, error, loading, reload: run };
}
