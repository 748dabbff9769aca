/**
 * Whatever value an arg holds, Kubiya substitutes it into the content verbatim; these tests render every
 * bundle tool's content with hostile values and run it under bash and dash (-c, script file, stdin) with a
 * fake kubiya-jit, and check that nothing ran as code and the CLI received exactly the values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGS_DELIMITER } from '../../../tools/content.js';
import { parseArgsDocument } from '../../../scripts/cli/args-document.js';
import type { Tool } from '../../../tools/model.js';
import { sampleBundle } from './fixtures.js';
import { SHELL_MODES, ShellSandbox, renderGoTemplate } from './shell-harness.js';

let sandbox: ShellSandbox;
beforeAll(() => {
  sandbox = new ShellSandbox();
});
afterAll(() => sandbox.dispose());

const tools = sampleBundle().tools;

function hostileValues(pwn: string): string[] {
  const binaryish = Array.from({ length: 255 }, (_, i) => String.fromCharCode(i + 1)).join('') + ' é ü 日本 🙂';
  return [
    `it's "quoted" 'twice'`,
    `$(touch ${pwn}/cmdsub)`,
    `\`touch ${pwn}/backtick\``,
    `x; touch ${pwn}/semicolon`,
    `x && touch ${pwn}/and || touch ${pwn}/or`,
    `line one\ntouch ${pwn}/newline\n$(touch ${pwn}/newline-cmdsub)\n`,
    `back\\slash\\\ncontinued \\$HOME \\`,
    `;touch\${IFS}${pwn}/ifs\${IFS}`,
    `$JIT_CONFIG \${PATH} $0 $@ $(id) <(touch ${pwn}/procsub) > ${pwn}/redirect`,
    `'KUBIYA_JIT_ARGS_7f3a'\n"${ARGS_DELIMITER}"\n ${ARGS_DELIMITER}\n\t${ARGS_DELIMITER}\n${ARGS_DELIMITER} \n${ARGS_DELIMITER}\r\ntouch ${pwn}/near-delimiter`,
    `{{ .request_id }} {{ .ttl }} }} {{`,
    binaryish,
    `${'A'.repeat(30_000)}$(touch ${pwn}/long)`,
    '',
    '\n\n',
    'EOF\n!\n# not a comment\nexit 0',
  ];
}

/** Gives arg j the value (round + j) mod n, so each arg meets each value across the rounds. */
function rotate(tool: Tool, values: string[], round: number): Record<string, string> {
  return Object.fromEntries(tool.args.map((arg, j) => [arg.name, values[(round + j) % values.length]!]));
}

describe.each(tools.map((tool) => [tool.name, tool] as const))('content of %s', (_name, tool) => {
  const names = tool.args.map((arg) => arg.name);

  it('keeps templates out of every line before the heredoc, one value per line', () => {
    const content = tool.content!;
    const [head, ...rest] = content.split(/^exec kubiya-jit .*$/m);
    expect(head).not.toContain('{{');
    expect(rest.join('')).not.toMatch(/\{\{(?! \.[A-Za-z_][A-Za-z0-9_]* \}\}$)/m);
    for (const name of names) expect(content).toMatch(new RegExp(`^\\{\\{ \\.${name} \\}\\}$`, 'm'));
    expect(content.match(/\{\{/g)?.length ?? 0).toBe(names.length);
    expect(content.trimEnd().split('\n').at(-1)).toBe(names.length ? ARGS_DELIMITER : `exec kubiya-jit ${tool.name} </dev/null`);
  });

  it.each(SHELL_MODES)('passes hostile values through %s as data, byte for byte', (mode) => {
    const values = hostileValues(sandbox.pwnDir);
    const rounds = names.length === 0 ? 1 : values.length;
    for (let round = 0; round < rounds; round += 1) {
      const given = rotate(tool, values, round);
      const result = sandbox.run(renderGoTemplate(tool.content!, given), mode);
      expect(result.pwned).toEqual([]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.argv).toEqual(names.length ? [tool.name, '--args-document'] : [tool.name]);
      if (names.length) expect(parseArgsDocument(result.stdin!, names)).toEqual(given);
    }
  });

  it.each(SHELL_MODES)('never parses what follows a value that closes the heredoc early (%s)', (mode) => {
    for (const target of names) {
      const attack = `ok\n${ARGS_DELIMITER}\ntouch ${sandbox.pwnDir}/early-${target}\n$(touch ${sandbox.pwnDir}/early2)\n${ARGS_DELIMITER}`;
      const given = Object.fromEntries(names.map((name) => [name, name === target ? attack : 'plain']));
      const script = renderGoTemplate(tool.content!, given);
      const result = sandbox.run(script, mode);
      expect(result.pwned).toEqual([]);
      // The CLI got the document up to the forged delimiter and nothing after it.
      const lines = script.split('\n');
      const start = lines.findIndex((line) => line.startsWith('exec kubiya-jit')) + 1;
      const end = lines.indexOf(ARGS_DELIMITER, start);
      expect(result.stdin).toBe(`${lines.slice(start, end).join('\n')}\n`);
      const last = target === names.at(-1);
      if (!last) expect(() => parseArgsDocument(result.stdin!, names)).toThrow(/missing_arg|no value for/);
    }
  });

  it.each(SHELL_MODES)('exits without reading on when kubiya-jit is missing (%s)', (mode) => {
    if (names.length === 0) return;
    const attack = `ok\n${ARGS_DELIMITER}\ntouch ${sandbox.pwnDir}/no-cli`;
    const result = sandbox.run(renderGoTemplate(tool.content!, { [names[0]!]: attack }), mode, { withCli: false });
    expect(result.pwned).toEqual([]);
    expect(result.status).toBe(127);
    expect(result.stderr).toContain('kubiya-jit is not on PATH');
  });

  it('renders a missing optional arg as Go does and the CLI reads it as absent', () => {
    if (names.length === 0) return;
    const result = sandbox.run(renderGoTemplate(tool.content!, {}), 'dash -c');
    expect(result.pwned).toEqual([]);
    const parsed = parseArgsDocument(result.stdin!, names);
    expect(Object.values(parsed).every((value) => value === undefined)).toBe(true);
  });
});

describe('the harness detects what it guards against', () => {
  it('sees a command substitution run when a value is placed in double quotes', () => {
    const unsafe = 'exec kubiya-jit demo --value "{{ .value }}"\n';
    const result = sandbox.run(renderGoTemplate(unsafe, { value: `$(touch ${sandbox.pwnDir}/control-quotes)` }), 'bash -c');
    expect(result.pwned).toContain('control-quotes');
  });

  it('sees the lines after an early heredoc close run when the command is not exec', () => {
    const unsafe = `kubiya-jit demo --args-document <<'${ARGS_DELIMITER}'\n{{ .value }}\n${ARGS_DELIMITER}\n`;
    const value = `x\n${ARGS_DELIMITER}\ntouch ${sandbox.pwnDir}/control-no-exec`;
    for (const mode of ['bash -c', 'dash file'] as const) {
      expect(sandbox.run(renderGoTemplate(unsafe, { value }), mode).pwned).toContain('control-no-exec');
    }
  });

  it('refuses to render a template action other than a plain field', () => {
    expect(() => renderGoTemplate('{{ if .x }}y{{ end }}', {})).toThrow(/template action/);
  });
});
