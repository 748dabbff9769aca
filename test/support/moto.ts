import { startMotoServer, type MotoServer } from '../../scripts/standins/moto-server.js';

/** A running moto server for one test file. */
export type Moto = MotoServer;

/**
 * Starts moto for a test file. The AWS tests need it: without it this fails at once saying what to install
 * (`pip install "moto[server]"`), so no AWS test is silently skipped. Also sets dummy credentials in the
 * environment: moto never checks signatures, and the SDK's chain must find some.
 */
export async function startMoto(env: Record<string, string> = {}): Promise<Moto> {
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  process.env.AWS_REGION ??= 'us-east-1';
  return startMotoServer({ ...process.env, ...env });
}
