import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CONSOLE_CSS } from './console-css.js';

/** One static file the console serves, with a content hash for its URL and caching. */
export interface Asset {
  path: string;
  type: string;
  body: string;
}

let script: Asset | undefined;

/** The console's script, compiled from console-client.ts beside this file (read once). */
export function consoleScript(): Asset {
  script ??= asset('console', 'js', 'text/javascript', readFileSync(new URL('./console-client.js', import.meta.url), 'utf8'));
  return script;
}

/** The console's stylesheet. */
export const consoleStyles: Asset = asset('console', 'css', 'text/css', CONSOLE_CSS);

function asset(name: string, ext: string, type: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, type: `${type}; charset=utf-8`, body };
}
