/**
 * The demo checks its own story: every step states what must hold, and a step that did not behave stops the
 * demo with a message saying which step, what was expected and what happened instead.
 */

/** A step of the demo that did not behave as the story says. */
export class DemoCheckError extends Error {
  constructor(
    readonly step: string,
    message: string,
    /** What the process or stand-in actually said, to help whoever reads the failure. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'DemoCheckError';
  }
}

/** Throws a {@link DemoCheckError} for `step` unless `condition` holds. */
export function expectThat(condition: boolean, step: string, message: string, detail?: string): asserts condition {
  if (!condition) throw new DemoCheckError(step, message, detail);
}

/**
 * Waits until `condition` holds or the clock passes `deadline` (epoch ms); says which. For things another
 * process does on its own time (the worker's warning), where the story gives a deadline, not a delay.
 */
export async function eventually(condition: () => boolean, deadline: number): Promise<boolean> {
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
