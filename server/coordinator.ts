/**
 * Starting and stopping a coordinator: the SQLite store, the hosted ceremony, the HTTP API and the
 * websocket endpoint (`/ws`) on one listening socket. Used by `server/bin.ts` and by the tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { ConcordError } from '../shared/errors.js';
import { canonicalize } from '../shared/canonical/jcs.js';
import { addressOf } from '../shared/crypto/secp256k1.js';
import type { CeremonySpec } from '../shared/spec/schema.js';
import { hashSpec } from '../shared/spec/parse.js';
import { MAX_FRAME_BYTES } from '../shared/protocol/messages.js';
import { Store } from './store/sqlite.js';
import { CeremonyHost } from './ceremony/host.js';
import { createHttpApp } from './http/app.js';
import { serveConnection } from './ws/connection.js';

export interface CoordinatorOptions {
  spec: CeremonySpec;
  dbPath: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  coordinatorKey: Uint8Array;
  now?: () => number;
  log?: (line: string) => void;
}

export interface RunningCoordinator {
  /** http://host:port */
  httpUrl: string;
  /** ws://host:port/ws */
  wsUrl: string;
  port: number;
  host: CeremonyHost;
  close(): Promise<void>;
}

/** Opens the store, restores the ceremony from it, and listens. */
export async function startCoordinator(options: CoordinatorOptions): Promise<RunningCoordinator> {
  const { spec } = options;
  const log = options.log ?? ((): void => undefined);
  if (addressOf(options.coordinatorKey) !== spec.coordinator) {
    throw new ConcordError('KEYSTORE_INVALID', 'coordinator key', `the key of the spec's coordinator ${spec.coordinator}`);
  }
  const specHash = hashSpec(spec);
  const store = await Store.open(options.dbPath);
  let host: CeremonyHost;
  try {
    host = await CeremonyHost.open({ store, spec, specHash, coordinatorKey: options.coordinatorKey, now: options.now ?? Date.now, log });
  } catch (error) {
    await store.close();
    throw error;
  }
  const specJson = canonicalize(spec);
  const server: Server = createServer(createHttpApp({ host, ceremonyId: spec.ceremonyId, specJson, log }));
  const wss = new WebSocketServer({ server, path: '/ws', maxPayload: MAX_FRAME_BYTES });
  const memberIdentities = new Set(spec.members.map((member) => member.identity));
  wss.on('connection', (socket) => serveConnection(socket, { host, ceremonyId: spec.ceremonyId, coordinator: spec.coordinator, spec, specHash, memberIdentities, log }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    httpUrl: `http://${hostPart}:${port}`,
    wsUrl: `ws://${hostPart}:${port}/ws`,
    port,
    host,
    async close() {
      host.close();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
