import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { AppContext } from '../../app/app-context.js';
import { ValidationError } from '../../core/errors.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedCommand } from '../command-spec.js';

/** How long a shutdown waits for requests in flight before closing their connections. */
const DRAIN_MS = 10_000;

const jsonLine = (entry: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(entry)}\n`);

/**
 * `kubiya-jit serve [--port 8080] [--host 127.0.0.1]`: the web console and HTTP API in one Node process, on the
 * config's store, directory, notifier and providers. JSON log lines on stdout (one per request); on SIGTERM or
 * SIGINT it stops accepting, ends the live-update streams, lets requests in flight finish, and exits.
 */
export async function serveCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  // The parser has checked the options (a port is 0–65535); $PORT is checked here the same way.
  const port = typeof parsed.values.port === 'number' ? parsed.values.port : Number(ctx.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ValidationError('cli.bad_port', `PORT must be a port number (0–65535), not ${JSON.stringify(String(ctx.env.PORT).slice(0, 20))}.`);
  const host = typeof parsed.values.host === 'string' ? parsed.values.host : '127.0.0.1';
  // Loaded here only: no other command pays for Hono, oauth4webapi or jose.
  const [{ consoleSettings }, { createConsole }] = await Promise.all([import('../../console/server/console-settings.js'), import('../../console/server/create-console-app.js')]);

  // Requests that arrive before the console is built (it needs the port it listens on) get a 503.
  const ready: { handle?: (req: never, res: never) => unknown } = {};
  const server = createServer((req, res) => {
    if (ready.handle) return void ready.handle(req as never, res as never);
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"ok":false,"code":"http.starting","message":"The console is starting."}');
  });
  await listen(server, port, host);
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const settings = consoleSettings(ctx.config, ctx.env, `http://${shownHost === '127.0.0.1' ? 'localhost' : shownHost}:${address.port}`);
  const consoleApp = await createConsole(ctx, settings, jsonLine);
  ready.handle = getRequestListener(consoleApp.app.fetch) as never;
  jsonLine({ at: new Date().toISOString(), level: 'info', message: 'listening', url: `http://${shownHost}:${address.port}`, base_url: settings.baseUrl.toString(), port: address.port });

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  jsonLine({ at: new Date().toISOString(), level: 'info', message: 'stopping', signal });
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await consoleApp.close();
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
  await closed;
  clearTimeout(timer);
  return { human: `Console stopped (${signal}).`, json: { stopped: signal, port: address.port } };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new ValidationError('serve.cannot_listen', `Cannot listen on ${host}:${port} (${err.code ?? err.message}). Choose another --port or --host.`)),
    );
    server.listen(port, host, () => resolve());
  });
}
