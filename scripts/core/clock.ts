/** The source of time for the core. The core never reads the system clock itself, so tests can move time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** A clock a test or the demo moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** Sets the time to `ms` since the epoch. */
  set(ms: number): void {
    this.current = ms;
  }
}
