/**
 * The small subset of Okta's filter and search expression language the stand-in understands:
 * `attr eq "value"`, `attr sw "value"`, `attr co "value"` and `attr pr`, joined by `and` / `or`
 * (`and` binds tighter, as in Okta's grammar). Parenthesised groups are not supported.
 */

/** One comparison in an expression. */
interface Comparison {
  attribute: string;
  operator: 'eq' | 'sw' | 'co' | 'pr';
  value?: string;
}

/** A parsed expression: an OR of ANDs of comparisons. */
export type OktaExpression = Comparison[][];

/** Thrown when an expression does not parse; the server turns it into Okta's 400 error. */
export class OktaExpressionError extends Error {}

const TOKEN = /\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_][\w.]*))/y;

/** Parses an Okta filter or search expression. Throws {@link OktaExpressionError} on anything else. */
export function parseOktaExpression(text: string): OktaExpression {
  const tokens: { word?: string; quoted?: string }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(text);
    if (!match) throw new OktaExpressionError(`unexpected input at ${TOKEN.lastIndex}`);
    if (match[1] !== undefined) tokens.push({ quoted: match[1].replace(/\\(.)/g, '$1') });
    else tokens.push({ word: match[2] });
  }
  const alternatives: OktaExpression = [[]];
  let i = 0;
  while (i < tokens.length) {
    const attribute = tokens[i]?.word;
    const operator = tokens[i + 1]?.word?.toLowerCase();
    if (!attribute || !operator) throw new OktaExpressionError('expected: attribute operator "value"');
    let comparison: Comparison;
    if (operator === 'pr') {
      comparison = { attribute, operator };
      i += 2;
    } else if (operator === 'eq' || operator === 'sw' || operator === 'co') {
      const value = tokens[i + 2]?.quoted;
      if (value === undefined) throw new OktaExpressionError(`expected a quoted value after ${operator}`);
      comparison = { attribute, operator, value };
      i += 3;
    } else {
      throw new OktaExpressionError(`unsupported operator ${operator}`);
    }
    alternatives[alternatives.length - 1]?.push(comparison);
    const joiner = tokens[i]?.word?.toLowerCase();
    if (joiner === undefined && i >= tokens.length) break;
    if (joiner === 'or') alternatives.push([]);
    else if (joiner !== 'and') throw new OktaExpressionError('expected and / or between comparisons');
    i += 1;
    if (i >= tokens.length) throw new OktaExpressionError('expression ends with a joiner');
  }
  if (alternatives.length === 1 && alternatives[0]?.length === 0) throw new OktaExpressionError('empty expression');
  return alternatives;
}

/** Whether a resource matches the expression; `read` returns an attribute's value by dotted path. */
export function matchesOktaExpression(expression: OktaExpression, read: (attribute: string) => string | undefined): boolean {
  return expression.some((all) =>
    all.every((comparison) => {
      const actual = read(comparison.attribute);
      if (comparison.operator === 'pr') return actual !== undefined && actual !== '';
      if (actual === undefined) return false;
      // Okta compares strings in filters and searches without regard to case.
      const a = actual.toLowerCase();
      const b = (comparison.value ?? '').toLowerCase();
      if (comparison.operator === 'eq') return a === b;
      if (comparison.operator === 'sw') return a.startsWith(b);
      return a.includes(b);
    }),
  );
}

/** Reads a dotted attribute path (`profile.email`, `status`) from a JSON-like object, as a string. */
export function readAttribute(resource: Record<string, unknown>, path: string): string | undefined {
  let current: unknown = resource;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  if (current === null || current === undefined) return undefined;
  return typeof current === 'string' ? current : JSON.stringify(current);
}
