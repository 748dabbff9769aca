/**
 * What every step of the demo shares: the output, the deployment, and one way to run the CLI that shows the
 * command as a person would type it, shows what it printed, and checks its exit code.
 */
import { runCli, startCli, type BackgroundCli, type CliResult } from './demo-cli.js';
import { expectThat } from './demo-check.js';
import type { DemoOutput } from './demo-output.js';
import type { DemoPerson } from './demo-people.js';
import type { DemoWorld } from './demo-world.js';

/** How a shown CLI run must end. */
export interface RunExpectation {
  /** The exit code the story needs; 0 when omitted. */
  code?: number;
  /** Text the output must contain (an error code, a status). */
  contains?: string;
}

/** The demo's output and deployment, plus the CLI runner the steps use. */
export class DemoSession {
  constructor(
    readonly out: DemoOutput,
    readonly world: DemoWorld,
  ) {}

  /**
   * Runs `kubiya-jit <args>` as `person` (an operator command when undefined), shows the command and its
   * output, and checks the expectation; `step` names the step in a failure message.
   */
  async show(step: string, person: DemoPerson | undefined, args: string[], expectation: RunExpectation = {}): Promise<CliResult> {
    this.out.command(args, person ? { KUBIYA_USER_EMAIL: person.email } : {});
    const result = await runCli(args, this.world.env(person));
    this.out.shown(result.stdout || result.stderr || '(no output)');
    this.verify(step, args, result, expectation);
    return result;
  }

  /** Runs `kubiya-jit <args> --output json` without showing it (the demo reading state for its checks). */
  async json(step: string, person: DemoPerson | undefined, args: string[]): Promise<Record<string, unknown>> {
    const result = await runCli([...args, '--output', 'json'], this.world.env(person));
    this.verify(step, args, result, {});
    try {
      return JSON.parse(result.stdout) as Record<string, unknown>;
    } catch {
      throw new Error(`kubiya-jit ${args[0]} --output json printed something that is not JSON: ${result.stdout.slice(0, 200)}`);
    }
  }

  /** Starts `kubiya-jit <args>` in the background as an operator process (the worker). */
  background(args: string[]): BackgroundCli {
    this.out.command(args);
    return startCli(args, this.world.env(undefined));
  }

  private verify(step: string, args: string[], result: CliResult, expectation: RunExpectation): void {
    const wanted = expectation.code ?? 0;
    const detail = [result.stdout, result.stderr].filter(Boolean).join('\n').trim();
    expectThat(result.code === wanted, step, `kubiya-jit ${args[0]} exited ${result.code}, expected ${wanted}.`, detail);
    if (expectation.contains !== undefined) {
      expectThat(result.stdout.includes(expectation.contains), step, `kubiya-jit ${args[0]} did not say "${expectation.contains}".`, detail);
    }
  }
}
