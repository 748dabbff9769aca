/**
 * How knowledge text becomes index terms. The same rules apply to documents and to queries, so a word in a
 * request meets the same word in a document however either was written (`Snapshots`, `snapshot`).
 */

/** Splits on whitespace and punctuation, except `_`, which joins the words of a tool name. */
const SEPARATOR = /(?:(?!_)[\s\p{Z}\p{P}\p{S}])+/u;

/**
 * Words so common in requests and documents that they only add noise to a BM25 ranking over a handful of
 * documents (where even an everyday word can look rare).
 */
const STOP_WORDS = new Set(
  (
    'a all also an and any are as at be but by can do does for from has have how i if in into is it its just ' +
    'let me more my need needs no not of on or our out please so some that the their them then there these ' +
    'they this to up us want was we what when which who why will with would you your'
  ).split(' '),
);

/**
 * Splits free text into raw terms. A snake_case word is kept whole (`create_ec2`, so it can meet a document's
 * `tools` entry exactly) and also given as its parts (`create`, `ec2`, so it can meet prose).
 */
export function tokenizeText(text: string): string[] {
  const terms: string[] = [];
  for (const raw of text.split(SEPARATOR)) {
    const word = raw.replace(/^_+|_+$/g, '');
    if (word.length === 0) continue;
    terms.push(word);
    if (word.includes('_')) terms.push(...word.split('_').filter((part) => part.length > 0));
  }
  return terms;
}

/** Splits a document's `tools` field: one term per tool name, never split, so only an exact name matches. */
export function tokenizeToolNames(text: string): string[] {
  return text.split(/\s+/).filter((name) => name.length > 0);
}

/**
 * Normalises one term: lower case, stop words dropped, and a light plural fold (`invoices` → `invoice`,
 * `policies` → `policy`) so singular and plural meet. Tool names (with `_`) are only lower-cased.
 */
export function normaliseTerm(term: string): string | null {
  const lower = term.toLowerCase();
  if (STOP_WORDS.has(lower)) return null;
  if (lower.includes('_') || lower.length <= 3 || /\d/.test(lower)) return lower;
  if (lower.endsWith('ies') && lower.length > 4) return `${lower.slice(0, -3)}y`;
  if (lower.endsWith('s') && !/(ss|us|is)$/.test(lower)) return lower.slice(0, -1);
  return lower;
}
