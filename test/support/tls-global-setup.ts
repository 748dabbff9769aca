/**
 * Vitest global setup: a throwaway CA for the HTTPS stand-ins (Microsoft's identity platform and Graph).
 * Node reads NODE_EXTRA_CA_CERTS once, at start, so it is set here, before the test workers are forked;
 * the workers and the CLI processes the tests start inherit it. The bundle keeps the CA file the machine
 * already named (Node reads only one) and adds this CA.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTlsAuthority, writeTlsAuthority } from '../../scripts/standins/tls-authority.js';

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'jit-tls-'));
  process.env.NODE_EXTRA_CA_CERTS = writeTlsAuthority(dir, await createTlsAuthority());
  process.env.JIT_TEST_TLS_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
