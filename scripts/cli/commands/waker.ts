/**
 * A sleep that can be cut short: `wait(ms)` resolves after `ms` or as soon as `signal()` is called, whichever
 * comes first. A signal that arrives while nobody waits is kept for the next wait, so no wake-up is lost
 * between checking for work and going to sleep.
 */
export class Waker {
  private pending = false;
  private wakeUp: (() => void) | undefined;

  /** Wakes the current wait, or the next one. */
  signal(): void {
    if (this.wakeUp) this.wakeUp();
    else this.pending = true;
  }

  /** Sleeps up to `ms`, ending early on a signal. */
  wait(ms: number): Promise<void> {
    if (this.pending || ms <= 0) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
