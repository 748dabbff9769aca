/**
 * `npm run chaos:aws [-- name …]`: runs the AWS race scenarios (all, or those named) against moto through the
 * fault proxy and prints each one's aim, outcome and figures. Exits 1 if any scenario fails its aim.
 */
import { motoAvailable } from '../standins/moto-server.js';
import { runAwsRaces } from './aws-races.js';

async function main(): Promise<number> {
  if (!motoAvailable()) {
    process.stdout.write('moto_server is not on the PATH: the AWS chaos scenarios need it (pip install "moto[server]").\n');
    return 1;
  }
  return (await runAwsRaces(process.argv.slice(2))) ? 1 : 0;
}

process.exitCode = await main();
