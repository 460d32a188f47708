/** The source of "now"; tests substitute a controllable one. */
export interface Clock {
  now(): Date;
}

// The one place server code reads the system's time.
export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to, for tests of deadlines, lockouts and expiry. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now() {
    return new Date(this.current);
  }
  set(instant: Date) {
    this.current = new Date(instant);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}
