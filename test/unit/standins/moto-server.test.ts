import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MOTO_MISSING, motoAvailable, motoCommand, startMotoServer } from '../../../scripts/standins/moto-server.js';

const empty = mkdtempSync(join(tmpdir(), 'jit-nomoto-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('the moto launcher on a machine without moto', () => {
  const noMoto = { PATH: empty };

  it('fails at once, saying what to install, instead of spawn ENOENT', async () => {
    expect(motoAvailable(noMoto)).toBe(false);
    const started = Date.now();
    const failure = await startMotoServer(noMoto).then(() => undefined, (err: Error) => err);
    expect(failure?.message).toBe(MOTO_MISSING);
    expect(failure?.message).toContain('pip install "moto[server]"');
    expect(failure?.message).toContain('python3 -m moto.server');
    expect(failure?.message).not.toMatch(/ENOENT/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('falls back to python3 -m moto.server when moto_server is not on the PATH', () => {
    // A PATH holding only python3: moto_server is gone, the module is still installed for python3.
    const onlyPython = mkdtempSync(join(tmpdir(), 'jit-python-only-'));
    try {
      const python = motoCommand()?.[0] === 'moto_server' ? realPython() : undefined;
      if (!python) return; // This machine has no moto at all; the first test covers it.
      symlinkSync(python, join(onlyPython, 'python3'));
      expect(motoCommand({ ...process.env, PATH: onlyPython })).toEqual(['python3', '-m', 'moto.server']);
    } finally {
      rmSync(onlyPython, { recursive: true, force: true });
    }
  });
});

/** The python3 interpreter itself (not pyenv's shim, which needs its own folder on the PATH). */
function realPython(): string | undefined {
  const run = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}
