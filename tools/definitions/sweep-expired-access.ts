import { defineTool } from './definition.js';
import { SWEEP_DIAGRAM } from './diagrams.js';

/** Ends every grant whose TTL has passed and retries failed removals. */
export const sweepExpiredAccessTool = defineTool({
  name: 'sweep_expired_access',
  description: [
    'End every access grant whose ttl has passed and retry removals that failed before, then report what ended.',
    'Access already ends by itself; call this only when someone asks to run the expiry sweep or from a schedule.',
    'Takes no arguments.',
  ].join(' '),
  args: [],
  mermaid: SWEEP_DIAGRAM,
});
