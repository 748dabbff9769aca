/**
 * Measures approver resolution for a 2,000-member group on the GitHub, Google Workspace and Microsoft Entra
 * directories: each provider's wire-level stand-in serves the group at the provider's own page size, the
 * real SDK and adapter read it once with an empty cache (cold) and once more from a new directory on the
 * same SQLite store (warm, as the next tool run would find it). SDK imports happen before timing.
 *
 * The Microsoft stand-in speaks HTTPS with a throwaway CA, and Node trusts extra CAs only from its start,
 * so `benchDirectories` runs the measurements in a child process started with NODE_EXTRA_CA_CERTS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGitHubDirectory } from '../adapters/github/github-directory.js';
import { createGoogleDirectory } from '../adapters/google/google-directory.js';
import { createMicrosoftDirectory } from '../adapters/microsoft/microsoft-directory.js';
import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';
import { systemClock } from '../adapters/system-clock.js';
import type { Directory, Logger } from '../core/ports.js';
import { startGitHubWireServer } from '../standins/github-wire-server.js';
import { startGoogleWireServer } from '../standins/google-wire-server.js';
import { startMicrosoftWireServer } from '../standins/microsoft-wire-server.js';
import { createTlsAuthority, readTlsAuthority, writeTlsAuthority } from '../standins/tls-authority.js';

const MEMBERS = 2000;
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** One directory's figures. */
export interface DirectoryBench {
  directory: string;
  members: number;
  pages: string;
  coldMs: number;
  warmMs: number;
}

const emails = Array.from({ length: MEMBERS }, (_, i) => `approver${i}@example.com`);

async function time(label: string, pages: string, group: string, open: () => Promise<Directory>): Promise<DirectoryBench> {
  const cold = await open();
  const coldStart = performance.now();
  const resolved = await cold.groupMembers(group);
  const coldMs = performance.now() - coldStart;
  const warm = await open();
  const warmStart = performance.now();
  const again = await warm.groupMembers(group);
  const warmMs = performance.now() - warmStart;
  const active = resolved.filter((p) => p.active).length;
  if (active !== MEMBERS || again.length !== MEMBERS) throw new Error(`${label} bench: expected ${MEMBERS} active members, got ${active} cold and ${again.length} warm`);
  return { directory: label, members: active, pages, coldMs: Math.round(coldMs * 10) / 10, warmMs: Math.round(warmMs * 10) / 10 };
}

async function benchGitHub(): Promise<DirectoryBench> {
  const gh = await startGitHubWireServer();
  const store = SqliteRequestStore.open(':memory:');
  try {
    gh.state.addTeam('approvers');
    for (const email of emails) {
      gh.state.addUser(email.split('@')[0]!, { email });
      gh.state.addMember('approvers', email.split('@')[0]!);
    }
    const env = { GITHUB_API_URL: gh.apiUrl, GITHUB_APP_ID: gh.app.appId, GITHUB_APP_PRIVATE_KEY: gh.app.privateKey, GITHUB_APP_INSTALLATION_ID: String(gh.app.installationId) };
    return await time('GitHub team', '100 a page, emails from SAML identities', 'acme/approvers', () => createGitHubDirectory(env, { organization: 'acme' }, { cache: store, clock: systemClock, log: quiet }));
  } finally {
    await store.close();
    await gh.close();
  }
}

async function benchGoogle(): Promise<DirectoryBench> {
  const g = await startGoogleWireServer();
  const store = SqliteRequestStore.open(':memory:');
  try {
    g.addUser('admin@example.com', { isAdmin: true });
    for (const email of emails) g.addUser(email);
    g.addGroup('approvers@example.com', emails);
    const env = { GOOGLE_API_URL: g.apiUrl, GOOGLE_TOKEN_URL: g.tokenUrl, GOOGLE_SERVICE_ACCOUNT_KEY: g.serviceAccountKey };
    return await time('Google group', '200 a page', 'approvers@example.com', () => createGoogleDirectory(env, { admin_email: 'admin@example.com' }, { cache: store, clock: systemClock, log: quiet }));
  } finally {
    await store.close();
    await g.close();
  }
}

async function benchMicrosoft(tlsDir: string): Promise<DirectoryBench> {
  const tls = readTlsAuthority(tlsDir);
  const ms = await startMicrosoftWireServer({ cert: tls.serverCert, key: tls.serverKey });
  const store = SqliteRequestStore.open(':memory:');
  try {
    for (const email of emails) ms.addUser(email);
    ms.addGroup('Approvers', emails);
    const env = { AZURE_TENANT_ID: ms.tenantId, AZURE_CLIENT_ID: ms.clientId, AZURE_CLIENT_SECRET: ms.clientSecret, AZURE_AUTHORITY_HOST: ms.authorityHost, MICROSOFT_GRAPH_URL: ms.graphUrl };
    return await time('Entra group', '999 a page, transitive members', 'Approvers', () => createMicrosoftDirectory(env, { cache: store, clock: systemClock, log: quiet }));
  } finally {
    await store.close();
    await ms.close();
  }
}

/** Runs the three measurements in a child process that trusts the Microsoft stand-in's CA. */
export async function benchDirectories(): Promise<DirectoryBench[]> {
  const dir = mkdtempSync(join(tmpdir(), 'jit-bench-tls-'));
  try {
    const bundle = writeTlsAuthority(dir, await createTlsAuthority());
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), dir], { env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle }, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`directory bench failed: ${child.stderr}`);
    return JSON.parse(child.stdout) as DirectoryBench[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2]) {
  console.log(JSON.stringify([await benchGitHub(), await benchGoogle(), await benchMicrosoft(process.argv[2])]));
}
