/**
 * Kubernetes label selectors, as the API server parses `?labelSelector=`: equality (`a=b`, `a==b`, `a!=b`),
 * existence (`a`, `!a`) and sets (`a in (x,y)`, `a notin (x)`), joined by commas, all of which must hold.
 * Part of the Kubernetes API stand-in (tests and the demo only).
 */

type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'absent' };

/** A parsed selector; `matches` says whether a label map satisfies every requirement. */
export interface LabelSelector {
  matches(labels: Record<string, string> | undefined): boolean;
}

/** Thrown for a selector the API server would refuse (it answers 400 BadRequest). */
export class SelectorError extends Error {}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Parses a selector string; an empty one matches everything. */
export function parseLabelSelector(text: string | null | undefined): LabelSelector {
  const requirements = splitTopLevel((text ?? '').trim()).map(parseRequirement);
  return { matches: (labels) => requirements.every((r) => holds(r, labels ?? {})) };
}

function splitTopLevel(text: string): string[] {
  if (text === '') return [];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current.trim());
  return parts;
}

function parseRequirement(part: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (set) {
    const values = set[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
    values.forEach(checkValue);
    return { key: checkKey(set[1]!), op: set[2] as 'in' | 'notin', values };
  }
  const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (eq) return { key: checkKey(eq[1]!), op: eq[2] === '!=' ? 'neq' : 'eq', value: checkValue(eq[3]!) };
  if (part.startsWith('!')) return { key: checkKey(part.slice(1).trim()), op: 'absent' };
  return { key: checkKey(part), op: 'exists' };
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value)) throw new SelectorError(`unable to parse requirement: invalid label value: "${value}"`);
  return value;
}

function holds(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'eq':
      return has && labels[r.key] === r.value;
    case 'neq':
      return !has || labels[r.key] !== r.value;
    case 'in':
      return has && r.values.includes(labels[r.key]!);
    case 'notin':
      return !has || !r.values.includes(labels[r.key]!);
    case 'exists':
      return has;
    case 'absent':
      return !has;
  }
}
