/**
 * Where to send a person after signing in: a path on this console, or `/`. Anything that could leave the
 * console is refused: absolute and protocol-relative URLs (`//evil.example`), backslashes browsers read as
 * slashes (`/\evil.example`), control characters, and anything that resolves to another origin.
 */
export function safeNext(raw: string | undefined, base: URL): string {
  const text = (raw ?? '').trim();
  if (!text.startsWith('/') || text.startsWith('//') || text.includes('\\') || text.length > 500 || [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return '/';
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    return '/';
  }
  if (url.origin !== base.origin) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
