/**
 * Starting and stopping a coordinator: the SQLite store, the hosted ceremonies (restored from the store,
 * plus an optional spec to host), the HTTP API and the websocket endpoint (`/ws`) on one socket.
 * Used by `server/bin.ts` and by the tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { ConcordError } from '../shared/errors.js';
import type { CeremonySpec } from '../shared/spec/schema.js';
import { MAX_FRAME_BYTES } from '../shared/protocol/messages.js';
import { Store } from './store/sqlite.js';
import { CeremonyRegistry } from './ceremony/registry.js';
import type { CeremonyHost } from './ceremony/host.js';
import { createHttpApp } from './http/app.js';
import { AdminCredential } from './http/admin.js';
import { StatusHub } from './ws/hub.js';
import { serveConnection } from './ws/connection.js';

export interface CoordinatorOptions {
  /** A ceremony to host from the start (it may already be in the database). */
  spec?: CeremonySpec;
  dbPath: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  coordinatorKey: Uint8Array;
  /** The bearer token of the admin API; absent: no admin API. */
  adminToken?: string;
  now?: () => number;
  log?: (line: string) => void;
}

export interface RunningCoordinator {
  /** http://host:port */
  httpUrl: string;
  /** ws://host:port/ws */
  wsUrl: string;
  port: number;
  registry: CeremonyRegistry;
  /** The hosted ceremony with this id. */
  ceremony(ceremonyId: string): CeremonyHost;
  close(): Promise<void>;
}

/** Opens the store, restores its ceremonies, hosts `spec` if given, and listens. */
export async function startCoordinator(options: CoordinatorOptions): Promise<RunningCoordinator> {
  const log = options.log ?? ((): void => undefined);
  const now = options.now ?? Date.now;
  const store = await Store.open(options.dbPath);
  let registry: CeremonyRegistry;
  try {
    registry = await CeremonyRegistry.open({ store, coordinatorKey: options.coordinatorKey, now, log });
    if (options.spec !== undefined) await registry.host(options.spec);
  } catch (error) {
    await store.close();
    throw error;
  }
  const hub = new StatusHub();
  registry.on('change', (ceremonyId, status) => hub.publish(ceremonyId, status));
  const server: Server = createServer(createHttpApp({ registry, admin: new AdminCredential(options.adminToken ?? null), now, log }));
  const wss = new WebSocketServer({ server, path: '/ws', maxPayload: MAX_FRAME_BYTES });
  wss.on('connection', (socket) => serveConnection(socket, { registry, hub, now, log }));
  // ws re-emits the HTTP server's errors: a failure to listen is reported once, by the promise below.
  let listening = false;
  wss.on('error', (error) => listening && log(`server: ${error.message}`));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    listening = true;
  } catch (error) {
    registry.close();
    wss.close();
    await store.close();
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConcordError('USAGE_INVALID', 'listen', `an address this machine lets the coordinator listen on; ${options.host}:${options.port} gives ${code}`);
  }
  const { port } = server.address() as AddressInfo;
  const hostPart = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    httpUrl: `http://${hostPart}:${port}`,
    wsUrl: `ws://${hostPart}:${port}/ws`,
    port,
    registry,
    ceremony: (ceremonyId) => registry.get(ceremonyId, 'ceremonyId'),
    async close() {
      registry.close();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
