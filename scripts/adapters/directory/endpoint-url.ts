import { ConfigError } from '../../core/errors.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Reads an API base URL override from `variable`: https, or plain http on the loopback interface only (a
 * local stand-in). Returned without a trailing slash. Errors name the variable.
 */
export function readEndpointUrl(variable: string, raw: string | undefined, example: string): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${variable} is not a URL (${value.slice(0, 100)}): set it to the API's base URL, e.g. ${example}, or unset it.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError(`${variable} must use https (${url.origin}).`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`${variable} must be a base URL with no query, fragment or credentials (${url.origin}${url.pathname}).`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Environment variables often carry a PEM with literal `\n`; turns them back into line breaks. */
export function normalisePem(value: string): string {
  return value.includes('-----BEGIN') && value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}
