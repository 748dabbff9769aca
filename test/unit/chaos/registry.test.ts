import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAOS_SCENARIOS } from '../../../scripts/chaos/registry.js';

const folder = resolve(import.meta.dirname, '..', '..', '..', 'scripts', 'chaos', 'scenarios');

describe('the chaos scenario registry', () => {
  it('lists every scenario file exactly once, under a unique name, each with an aim', async () => {
    const files = readdirSync(folder).filter((f) => f.endsWith('.ts'));
    expect(CHAOS_SCENARIOS).toHaveLength(files.length);
    const exported = new Set<unknown>();
    for (const file of files) {
      const module = (await import(resolve(folder, file))) as Record<string, unknown>;
      for (const value of Object.values(module)) exported.add(value);
    }
    for (const scenario of CHAOS_SCENARIOS) {
      expect(exported.has(scenario), `${scenario.name} comes from a file in scenarios/`).toBe(true);
      expect(scenario.aim.length, scenario.name).toBeGreaterThan(0);
      expect(scenario.name).toMatch(/^[a-z0-9-]+$/);
    }
    expect(new Set(CHAOS_SCENARIOS.map((s) => s.name)).size).toBe(CHAOS_SCENARIOS.length);
  });
});
