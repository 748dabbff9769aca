import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ADAPTERS = 'scripts/adapters/aws';
const PREFIX: Record<string, string> = { '@aws-sdk/client-iam': 'iam', '@aws-sdk/client-sso-admin': 'sso', '@aws-sdk/client-identitystore': 'identitystore' };
/** Permissions AWS requires beyond the call's own action: creating a resource with tags needs the tag action. */
const IMPLIED: Record<string, string[]> = { 'iam:CreatePolicy': ['iam:TagPolicy'], 'iam:CreateInstanceProfile': ['iam:TagInstanceProfile'] };

/** Every `new XCommand(` in the AWS adapters, as the IAM action it needs (`iam:AttachUserPolicy`). */
async function actionsUsed(): Promise<Set<string>> {
  const used = new Set<string>();
  for (const file of (await readdir(ADAPTERS)).filter((f) => f.endsWith('.ts'))) {
    const source = await readFile(join(ADAPTERS, file), 'utf8');
    const moduleOf = new Map<string, string>();
    for (const match of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g)) {
      for (const name of match[1]!.split(',').map((n) => n.replace(/^\s*type\s+/, '').trim())) moduleOf.set(name, match[2]!);
    }
    for (const match of source.matchAll(/new\s+(\w+)Command\s*\(/g)) {
      const module = moduleOf.get(`${match[1]}Command`);
      expect(module, `${file}: ${match[1]}Command is not imported from an AWS SDK client`).toBeDefined();
      const action = `${PREFIX[module!]}:${match[1]}`;
      used.add(action);
      for (const implied of IMPLIED[action] ?? []) used.add(implied);
    }
  }
  return used;
}

async function actionsAllowed(): Promise<Set<string>> {
  const policy = JSON.parse(await readFile('configs/aws/runner-policy.json', 'utf8')) as { Statement: { Effect: string; Action: string | string[] }[] };
  return new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
}

describe('configs/aws/runner-policy.json', () => {
  it('allows every AWS API the adapters call', async () => {
    const used = await actionsUsed();
    expect(used.size).toBeGreaterThan(20);
    const allowed = await actionsAllowed();
    expect([...used].filter((action) => !allowed.has(action))).toEqual([]);
  });

  it('allows nothing the adapters do not call (least privilege), and no wildcard action', async () => {
    const used = await actionsUsed();
    const allowed = await actionsAllowed();
    expect([...allowed].filter((action) => !used.has(action))).toEqual([]);
    expect([...allowed].filter((action) => action.includes('*'))).toEqual([]);
  });
});
