import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jitConfigSchema } from '../../../scripts/config/jit-config-schema.js';
import { TOOL_ENV, TOOL_SECRETS } from '../../../tools/bundle.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');

/** Every key path of the config schema: `expiry.warn_before`, `tools[].max_ttl`, `bundle.env`, … */
function schemaKeys(schema: Record<string, unknown>, path = ''): string[] {
  const keys: string[] = [];
  for (const [key, inner] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    const at = path ? `${path}.${key}` : key;
    keys.push(at, ...schemaKeys(inner, at));
  }
  const items = schema.items as Record<string, unknown> | undefined;
  if (items && typeof items === 'object' && items.properties) keys.push(...schemaKeys(items, `${path}[]`));
  return keys;
}

/** The product code: what runs in a tool's container (not the stand-ins, the demo, the benchmarks or the chaos runs). */
function productFiles(dir = join(ROOT, 'scripts')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ['standins', 'demo', 'bench', 'chaos'].includes(name) ? [] : productFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('the docs describe the settings the code has', () => {
  it.each(schemaKeys(jitConfigSchema as unknown as Record<string, unknown>).map((k) => [k]))('configuration.md documents the config key %s', (key) => {
    expect(doc('configuration.md')).toContain(`\`${key}\``);
  });

  it('configuration.md documents every environment variable the product code reads', () => {
    const read = new Map<string, string>();
    for (const file of productFiles()) {
      for (const match of readFileSync(file, 'utf8').matchAll(/env\.([A-Z][A-Z0-9_]+)|env\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)) {
        read.set(match[1] ?? match[2]!, relative(ROOT, file));
      }
    }
    expect(read.size).toBeGreaterThan(10);
    for (const [name, file] of read) expect(doc('configuration.md'), `${name} (read in ${file})`).toContain(`\`${name}\``);
  });

  it('deployment.md names what the bundle passes, and where extra names go (bundle.env / bundle.secrets)', () => {
    const deployment = doc('deployment.md');
    for (const name of ['APPROVERS_CHANNEL', 'SLACK_API_TOKEN', 'OKTA_ORG_URL', 'OKTA_API_TOKEN', 'ENFORCER_URL', 'JIT_DATABASE']) {
      expect([...TOOL_ENV, ...TOOL_SECRETS]).toContain(name);
      expect(deployment).toContain(`\`${name}\``);
    }
    expect(deployment).toContain('`bundle.env`');
    expect(deployment).toContain('`bundle.secrets`');
    // The fixed lists are code; extra names are config. The docs must not send people to edit the code.
    expect(deployment).not.toMatch(/add their names to `TOOL_ENV`/);
  });
});
