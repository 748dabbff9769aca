import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The dependency rule of docs/architecture.md lives in eslint.config.js; this proves it bites.
describe('the core dependency rule', () => {
  const eslint = new ESLint({ cwd: process.cwd() });

  async function problems(file: string, source: string): Promise<string[]> {
    const [result] = await eslint.lintText(source, { filePath: file });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }

  it.each([
    ["import { WebClient } from '@slack/web-api';", /vendor SDK/],
    ["import { IAMClient } from '@aws-sdk/client-iam';", /vendor SDK/],
    ["import Database from 'better-sqlite3';", /vendor SDK/],
    ["import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';", /depends only on itself/],
    ["import { loadConfig } from '../config/load-config.js';", /depends only on itself/],
  ])('refuses %s in scripts/core', async (line, message) => {
    const found = await problems('scripts/core/use-cases/example.ts', `${line}\nexport const x = 1;\n`);
    expect(found.some((m) => message.test(m))).toBe(true);
  });

  it('allows the same import in an adapter', async () => {
    expect(await problems('scripts/adapters/slack/example.ts', "import { WebClient } from '@slack/web-api';\nexport const x = WebClient;\n")).toEqual([]);
  });
});
