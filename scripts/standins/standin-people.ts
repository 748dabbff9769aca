import { loadConfig } from '../config/load-config.js';
import type { WireUser } from './slack-wire-server.js';

/**
 * The people of a config's own directory (`directory.groups`), as Slack users of the stand-in, so the
 * requester's DMs have somewhere to go. Each gets a stable id from their email (`dev@…` → `U0DEV`). A config
 * whose people live in Okta gives none: DMs then fail and are logged, as they would with an unknown email.
 */
export async function standinPeople(configPath: string): Promise<WireUser[]> {
  const { file } = await loadConfig({ JIT_CONFIG: configPath });
  const emails = new Set<string>();
  for (const members of Object.values(file.directory?.type === 'config' ? (file.directory.groups ?? {}) : {})) {
    for (const member of members as (string | { email: string })[]) emails.add((typeof member === 'string' ? member : member.email).toLowerCase());
  }
  return [...emails].sort().map((email) => {
    const local = email.split('@')[0]!;
    return { id: `U0${local.replace(/[^a-z0-9]/g, '').toUpperCase().slice(0, 9)}`, email, name: local };
  });
}
