import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LifecycleHarness } from '../../support/lifecycle-harness.js';
import { usePostgres } from '../../support/postgres-harness.js';

/** A throwaway CA and a server certificate for 127.0.0.1 it signed, made with openssl. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string; otherCa: string } {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=kubiya-jit test CA');
  ssl('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', '-subj', '/CN=some other CA');
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { ca: join(dir, 'ca.crt'), otherCa: join(dir, 'other.crt'), cert: read('server.crt'), key: read('server.key') };
}

const certDir = mkdtempSync(join(tmpdir(), 'jit-tls-'));
const certs = makeCertificates(certDir);

describe('the PostgreSQL store over TLS, against a server that accepts TLS connections only', { timeout: 180_000 }, () => {
  const pg = usePostgres({ fast: true, tls: { cert: certs.cert, key: certs.key, only: true } });
  const harnesses: LifecycleHarness[] = [];
  const start = async (tls: Record<string, string> | undefined) => {
    const h = await LifecycleHarness.start((config) => (config.store = { type: 'postgres', ...(tls ? { tls } : {}) }), { databaseUrl: await pg.freshDatabase() });
    harnesses.push(h);
    return h;
  };
  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    rmSync(certDir, { recursive: true, force: true });
  });

  it('connects with verify-full and the CA that signed the server certificate', async () => {
    const h = await start({ mode: 'verify-full', ca_file: certs.ca });
    const run = await h.request();
    expect(run.code, run.stdout).toBe(0);
    expect((await h.run(undefined, ['audit', 'verify'])).code).toBe(0);
  });

  it('refuses a certificate from a CA it was not told to trust, naming store.tls.ca_file', async () => {
    const h = await start({ mode: 'verify-full', ca_file: certs.otherCa });
    const run = await h.request();
    expect(run.code).toBe(1);
    expect(run.json.code).toBe('store.tls_untrusted');
    expect(run.json.message).toMatch(/store\.tls\.ca_file/);
    expect(h.messagesIn()).toHaveLength(0);
  });

  it('says TLS is required when the config turns it off', async () => {
    const h = await start({ mode: 'disable' });
    const run = await h.request();
    expect(run.code).toBe(1);
    expect(run.json.code).toBe('store.tls_required');
    expect(run.json.message).toMatch(/accepts only TLS connections, and store\.tls\.mode is disable/);
  });

  it('names store.tls.ca_file when the CA file cannot be read', async () => {
    const h = await start({ mode: 'verify-full', ca_file: join(certDir, 'missing.crt') });
    const run = await h.request();
    expect(run.code).toBe(1);
    expect(run.json.code).toBe('config.invalid');
    expect(run.json.message).toMatch(/store\.tls\.ca_file: cannot read/);
  });
});
