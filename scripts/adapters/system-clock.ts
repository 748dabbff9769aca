import type { Clock } from '../core/clock.js';

/** The real clock, for production runs. */
export const systemClock: Clock = { now: () => Date.now() };
