/**
 * A throwaway certificate authority for stand-ins that must speak HTTPS (the Microsoft identity platform
 * and Graph stand-in: MSAL accepts only an https authority). It issues one server certificate for
 * 127.0.0.1 and localhost. Tests trust the CA through NODE_EXTRA_CA_CERTS, which Node reads once at start,
 * so the file is written before the processes that need it are started. For tests and the bench only.
 */
import { webcrypto } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

/** A CA and a server certificate it signed, as PEM. */
export interface TlsAuthority {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pemKey(der: ArrayBuffer): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trim();
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}

/** Creates a CA valid for a day and a certificate for 127.0.0.1 / localhost signed by it. */
export async function createTlsAuthority(): Promise<TlsAuthority> {
  x509.cryptoProvider.set(webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);
  const now = Date.now();
  const notBefore = new Date(now - 60_000);
  const notAfter = new Date(now + 86_400_000);
  const caKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=kubiya-jit test CA (stand-ins only)',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const serverKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=127.0.0.1',
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: serverKeys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
    ],
  });
  return { caCert: ca.toString('pem'), serverCert: server.toString('pem'), serverKey: pemKey(await webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey)) };
}

/**
 * Writes the authority into `dir` (`ca.pem`, `server.pem`, `server-key.pem`) and a CA bundle for
 * NODE_EXTRA_CA_CERTS: the file the environment already names (Node reads only one), then this CA.
 * Returns the bundle's path.
 */
export function writeTlsAuthority(dir: string, authority: TlsAuthority, existing: string | undefined = process.env.NODE_EXTRA_CA_CERTS): string {
  writeFileSync(join(dir, 'ca.pem'), authority.caCert);
  writeFileSync(join(dir, 'server.pem'), authority.serverCert);
  writeFileSync(join(dir, 'server-key.pem'), authority.serverKey);
  const inherited = existing && existsSync(existing) ? `${readFileSync(existing, 'utf8').trimEnd()}\n` : '';
  const bundle = join(dir, 'ca-bundle.pem');
  writeFileSync(bundle, `${inherited}${authority.caCert}`);
  return bundle;
}

/** Reads an authority written by {@link writeTlsAuthority}. */
export function readTlsAuthority(dir: string): TlsAuthority {
  return {
    caCert: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    serverCert: readFileSync(join(dir, 'server.pem'), 'utf8'),
    serverKey: readFileSync(join(dir, 'server-key.pem'), 'utf8'),
  };
}
