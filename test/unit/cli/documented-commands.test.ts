import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOperatorCommand } from '../../../scripts/cli/operator-commands.js';
import { parseCommand } from '../../../scripts/cli/parse-command.js';
import { toolSpec } from '../../../scripts/cli/tool-args.js';
import { STATIC_HANDLERS } from '../../../scripts/handlers/registry.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const CLI = /^(?:kubiya-jit|node dist\/scripts\/cli\.js) /;

/** Every kubiya-jit command line the docs show: inline code that starts with one, and lines of code blocks. */
function documentedCommands(): { doc: string; line: string }[] {
  const found: { doc: string; line: string }[] = [];
  for (const doc of DOCS) {
    const prose: string[] = [];
    let fence: string | undefined;
    let code = '';
    for (const line of readFileSync(join(ROOT, doc), 'utf8').split('\n')) {
      const marker = /^\s*```(\w*)/.exec(line);
      if (marker) {
        fence = fence === undefined ? marker[1] : undefined;
        continue;
      }
      if (fence === undefined) {
        prose.push(line);
        continue;
      }
      if (!['', 'sh', 'bash'].includes(fence)) continue;
      code += line.endsWith('\\') ? `${line.slice(0, -1)} ` : line;
      if (line.endsWith('\\')) continue;
      // A command, maybe after `exec` or environment assignments: KUBIYA_USER_EMAIL=… node dist/scripts/cli.js …
      const command = code.trim().replace(/^(exec\s+|\$\s+|[A-Z_]+=\S+\s+)+/, '');
      if (CLI.test(command)) found.push({ doc, line: command });
      code = '';
    }
    for (const span of prose.join('\n').matchAll(/`([^`\n]+)`/g)) {
      if (CLI.test(span[1]!)) found.push({ doc, line: span[1]! });
    }
  }
  return found;
}

/** A command line as words, as a shell would split it, up to a comment, a redirection or a heredoc. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const match of line.replace(CLI, '').matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    const word = match[1] ?? match[2] ?? match[3]!;
    if (match[3] !== undefined && /^(#|>|<<|\||;|&&)/.test(word)) break;
    out.push(word.replace(/^\[|\]$/g, ''));
  }
  return out.filter((w) => w !== '');
}

describe('the commands and flags the docs show exist, and take what the docs give them', () => {
  const commands = documentedCommands();

  it('finds the documented command lines', () => {
    expect(commands.length).toBeGreaterThan(20);
  });

  it.each(commands.map((c) => [`${c.doc}: ${c.line}`, c] as const))('%s', (_label, { line }) => {
    const args = words(line);
    // Placeholders (`<tool>`, `<arg>`, `verify|export`) describe a family of commands, not one to check.
    if (args.some((w) => /[<>|]/.test(w))) return;
    if (args[0]?.startsWith('-')) {
      // Global options alone: `kubiya-jit --version`, `kubiya-jit --help`.
      parseCommand(args, { name: 'kubiya-jit', summary: '', options: [] });
      return;
    }
    const [name, ...rest] = args;
    const operator = findOperatorCommand(name!);
    const handler = STATIC_HANDLERS.get(name!);
    expect(operator ?? handler, `"${name}" is not a kubiya-jit command`).toBeDefined();
    const spec = operator ? operator.spec : toolSpec(handler!);
    try {
      parseCommand(rest, spec);
    } catch (err) {
      // A doc may name a command without its required options ("run kubiya-jit approvers"), never a wrong one.
      expect((err as { code?: string }).code, (err as Error).message).toMatch(/^cli\.missing_(option|subcommand)$/);
    }
  });

  it('every npm script the docs name exists', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const doc of DOCS) {
      for (const match of readFileSync(join(ROOT, doc), 'utf8').matchAll(/npm run ([a-z:]+)/g)) expect(scripts, `${doc}: npm run ${match[1]}`).toHaveProperty([match[1]!]);
    }
  });
});
