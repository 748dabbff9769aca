import { motoAvailable, startMotoServer, type MotoServer } from '../../scripts/standins/moto-server.js';

/** A running moto server for one test file. */
export type Moto = MotoServer;

export { motoAvailable };

/**
 * Starts `moto_server` for a test file. Also sets dummy credentials in the environment: moto never checks
 * signatures, and the SDK's chain must find some.
 */
export async function startMoto(env: Record<string, string> = {}): Promise<Moto> {
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  process.env.AWS_REGION ??= 'us-east-1';
  return startMotoServer({ ...process.env, ...env });
}
