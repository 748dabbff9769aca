import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const ADAPTER = join(ROOT, 'scripts', 'adapters', 'slack');

/**
 * The bot scope each Web API method needs, from Slack's method reference (api.slack.com/methods/<method>,
 * "Required scopes"). `users:read.email` is granted only together with `users:read`
 * (api.slack.com/scopes/users:read.email). A method the adapter starts calling must be added here first.
 */
const SCOPES: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'users.lookupByEmail': ['users:read.email', 'users:read'],
  'conversations.open': ['im:write'],
};

/** Every `api.call('<method>', …)` in the Slack adapter. */
function methodsCalled(): string[] {
  const methods = new Set<string>();
  for (const file of readdirSync(ADAPTER).filter((f) => f.endsWith('.ts'))) {
    for (const match of readFileSync(join(ADAPTER, file), 'utf8').matchAll(/\.call\(\s*'([a-z]+\.[A-Za-z.]+)'/g)) methods.add(match[1]!);
  }
  return [...methods].sort();
}

describe('configs/slack/manifest.yaml', () => {
  const manifest = parseYaml(readFileSync(join(ROOT, 'configs', 'slack', 'manifest.yaml'), 'utf8')) as {
    display_information: { name: string };
    features: { bot_user: { display_name: string } };
    oauth_config: { scopes: { bot: string[]; user?: string[] } };
    settings: { interactivity: { is_enabled: boolean } };
  };

  it('asks for exactly the bot scopes of the methods the Slack adapter calls', () => {
    const methods = methodsCalled();
    expect(methods).toEqual(['chat.postMessage', 'chat.update', 'conversations.open', 'users.lookupByEmail']);
    for (const method of methods) expect(SCOPES[method], `no scope recorded for ${method}`).toBeDefined();
    const needed = [...new Set(methods.flatMap((method) => SCOPES[method]!))].sort();
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(needed);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  it('is a bot app without interactivity, since kubiya-jit serves no endpoint for button clicks', () => {
    expect(manifest.display_information.name).toBeTruthy();
    expect(manifest.features.bot_user.display_name).toBeTruthy();
    expect(manifest.settings.interactivity.is_enabled).toBe(false);
  });

  it('matches the scope table in docs/slack.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'slack.md'), 'utf8');
    for (const scope of manifest.oauth_config.scopes.bot) expect(doc).toMatch(new RegExp(`^\\s*\\| \`${scope.replace('.', '\\.')}\` \\|`, 'm'));
  });
});
