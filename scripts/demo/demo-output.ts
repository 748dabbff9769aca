/**
 * How the demo prints: numbered sections, the commands it runs (shell-quoted, so a reader can paste them),
 * and what each party sees, indented under a bar. Plain text, so it reads the same in a terminal, a CI log
 * or a pipe; bold headings only on a terminal that wants colour.
 */

/** Prints one line of demo output. */
export type PrintLine = (line: string) => void;

const BAR = '  │ ';

/** Wraps a line printer with the demo's layout helpers. */
export class DemoOutput {
  private readonly bold: (text: string) => string;
  private section = 0;

  constructor(readonly print: PrintLine, colour = false) {
    this.bold = colour ? (text) => `\u001b[1m${text}\u001b[22m` : (text) => text;
  }

  /** The demo's title and what it is (and is not). */
  title(text: string, lines: string[]): void {
    this.print(this.bold(text));
    this.print('='.repeat(text.length));
    for (const line of lines) this.print(line);
  }

  /** Starts a numbered section: who acts, and what happens. */
  heading(text: string): void {
    this.section += 1;
    this.print('');
    this.print(this.bold(`${this.section}. ${text}`));
  }

  /** A plain line, indented under the current section. */
  note(text: string): void {
    for (const line of text.split('\n')) this.print(`  ${line}`);
  }

  /** A command as a person would type it, with the environment that names who runs it. */
  command(args: string[], env: Record<string, string> = {}): void {
    const prefix = Object.entries(env).map(([key, value]) => `${key}=${shellQuote(value)} `).join('');
    this.print(`  $ ${prefix}kubiya-jit ${args.map(shellQuote).join(' ')}`);
  }

  /** What a party sees (a CLI's output, a rendered Slack message), each line under a bar. */
  shown(text: string): void {
    const lines = text.replace(/\s+$/, '').split('\n');
    for (const line of lines) this.print(`${BAR}${line}`.trimEnd());
  }

  /** A check the demo made, and that it held. */
  ok(text: string): void {
    this.print(`  ✔ ${text}`);
  }
}

/** Quotes a word for a POSIX shell only when it needs it. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
