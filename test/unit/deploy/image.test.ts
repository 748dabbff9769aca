import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DATA_PATH } from '../../../tools/content.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions: comments dropped, continuation lines joined, keywords upper-cased. */
function parseDockerfile(text: string): Instruction[] {
  const lines = text.split('\n').filter((line) => !/^\s*#/.test(line));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

const instructions = parseDockerfile(read('Dockerfile'));
const stages: Instruction[][] = [];
for (const instruction of instructions) {
  if (instruction.keyword === 'FROM') stages.push([]);
  stages.at(-1)?.push(instruction);
}
const final = stages.at(-1)!;
const globalArgs = new Map(instructions.slice(0, instructions.findIndex((i) => i.keyword === 'FROM')).map((i) => i.args.split('=') as [string, string]));
const nodeVersion = /^(\d+)\.(\d+)\.(\d+)$/.exec(globalArgs.get('NODE_VERSION') ?? '');
const addonVersion = /^(\d+)\.(\d+)\.(\d+)$/.exec(globalArgs.get('ADDON_NODE_VERSION') ?? '');

describe('the Dockerfile', () => {
  it('runs on the Node LTS release it declares, the major CI also tests on, with the native module built on the same major', () => {
    expect(instructions[0]).toMatchObject({ keyword: 'ARG' });
    expect(nodeVersion, 'a global ARG NODE_VERSION=x.y.z').not.toBeNull();
    expect(addonVersion, 'a global ARG ADDON_NODE_VERSION=x.y.z').not.toBeNull();
    expect(Number(nodeVersion![1])).toBe(24);
    // One major, one ABI: the module compiled on one release loads in the other.
    expect(addonVersion![1]).toBe(nodeVersion![1]);
    const deps = stages.find((stage) => /\bAS deps$/.test(stage[0]!.args))!;
    expect(deps[0]!.args).toBe('node:${ADDON_NODE_VERSION}-bookworm-slim AS deps');
    for (const stage of stages.filter((s) => s !== deps)) expect(stage[0]!.args).toMatch(/^node:\$\{NODE_VERSION\}-bookworm-slim( AS \w+)?$/);
    // CI's second run takes both versions from here.
    const runner = read('.ci/node-image');
    expect(runner).toContain('arg NODE_VERSION');
    expect(runner).toContain('arg ADDON_NODE_VERSION');
    expect(runner).toContain('Dockerfile');
    expect(read('.ci/run')).toMatch(/^\.ci\/node-image /m);
  });

  it('runs as an unprivileged user, with the data volume and TMPDIR the only places it writes', () => {
    const users = final.filter((i) => i.keyword === 'USER');
    expect(users.length).toBe(1);
    const user = users[0]!.args;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(final.findIndex((i) => i.keyword === 'USER')).toBeGreaterThan(final.map((i) => i.keyword).lastIndexOf('RUN'));
    const uid = user.split(':')[0]!;
    expect(final.some((i) => i.keyword === 'RUN' && i.args.includes(`chown ${uid}:`) && i.args.includes(DATA_PATH))).toBe(true);
    expect(final.find((i) => i.keyword === 'VOLUME')!.args).toBe(`["${DATA_PATH}"]`);
    expect(final.find((i) => i.keyword === 'ENV')!.args).toMatch(/TMPDIR=\/tmp/);
  });

  it('carries the OCI labels and no HEALTHCHECK', () => {
    const labels = final.filter((i) => i.keyword === 'LABEL').map((i) => i.args).join(' ');
    for (const key of ['title', 'description', 'version', 'revision', 'source', 'licenses', 'base.name']) {
      expect(labels).toMatch(new RegExp(`org\\.opencontainers\\.image\\.${key.replace('.', '\\.')}="[^"]+"`));
    }
    expect(labels).toContain(`org.opencontainers.image.licenses="${(JSON.parse(read('package.json')) as { license: string }).license}"`);
    expect(instructions.some((i) => i.keyword === 'HEALTHCHECK')).toBe(false);
  });

  it('builds the precompiled validator and copies only files that exist and are not docker-ignored', () => {
    expect((JSON.parse(read('package.json')) as { scripts: { build: string } }).scripts.build).toContain('build-validator.js');
    const build = stages.find((stage) => /\bAS build$/.test(stage[0]!.args))!;
    expect(build.some((i) => i.keyword === 'RUN' && i.args.includes('npm run build') && i.args.includes('jit-config-validate.generated.js'))).toBe(true);
    expect(final.some((i) => i.keyword === 'COPY' && i.args === '--from=build /app/dist ./dist')).toBe(true);
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const sources = instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'scripts', 'tools', 'configs']));
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), `COPY ${source}: no such file`).toBe(true);
      expect(ignored, `COPY ${source} is excluded by .dockerignore`).not.toContain(source);
    }
  });
});

describe('the image workflow', () => {
  const workflow = parseYaml(read('.github/workflows/image.yml')) as {
    on: { push: { tags: string[] } };
    jobs: Record<string, { needs?: string; steps: { name?: string; run?: string; uses?: string; with?: Record<string, unknown> }[] }>;
  };

  it('runs on a version tag, tests with CI\'s own script first, checks the tag is the package version, and pushes', () => {
    expect(workflow.on.push.tags).toEqual(['v*.*.*']);
    expect(workflow.jobs.test!.steps.some((s) => s.run === 'bash .ci/run')).toBe(true);
    const image = workflow.jobs.image!;
    expect(image.needs).toBe('test');
    expect(image.steps.some((s) => s.run?.includes('require("./package.json").version') && s.run.includes('GITHUB_REF_NAME'))).toBe(true);
    const pushes = image.steps.filter((s) => s.uses?.startsWith('docker/build-push-action') && s.with?.push === true);
    expect(pushes.length).toBe(1);
    const smoke = image.steps.findIndex((s) => s.run?.includes('--read-only'));
    expect(smoke).toBeGreaterThan(-1);
    expect(smoke).toBeLessThan(image.steps.indexOf(pushes[0]!));
  });
});
