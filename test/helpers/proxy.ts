/**
 * A websocket man in the middle in front of a real coordinator, for tests of what a member's client does
 * when the coordinator (or the network) misbehaves: every frame, either way, goes through `doctor`, which
 * forwards it (changed or not) or cuts the connection there, dropping the frame. HTTP GETs (the
 * artifact) are passed through unchanged.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/** A frame as the proxy sees it: the fields the tests read or change. */
export interface Frame {
  type: string;
  id?: number;
  kind?: string;
  entries?: Record<string, unknown>[];
  status?: Record<string, unknown>;
  receipt?: Record<string, unknown>;
}

export type Side = 'client' | 'coordinator';

/** The frame to forward, or 'cut': drop it and close both sides of this connection. */
export type Doctor = (frame: Frame, from: Side) => Frame | 'cut';

export interface Proxy {
  /** ws://127.0.0.1:<port>/ws: give it to the client in place of the coordinator's URL. */
  url: string;
  close(): Promise<void>;
}

/** Listens on a free port and opens one connection to `upstreamUrl` per client connection. */
export async function startProxy(upstreamUrl: string, doctor: Doctor): Promise<Proxy> {
  const upstreamHttp = upstreamUrl.replace(/^ws/, 'http').replace(/\/ws$/, '');
  const server = createServer((request, response) => {
    fetch(`${upstreamHttp}${request.url ?? '/'}`).then(
      async (upstream) => {
        response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' });
        response.end(Buffer.from(await upstream.arrayBuffer()));
      },
      () => {
        response.writeHead(502);
        response.end();
      },
    );
  });
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  wss.on('connection', (client) => {
    const upstream = new WebSocket(upstreamUrl);
    const queued: string[] = [];
    const cut = (): void => {
      client.terminate();
      upstream.terminate();
    };
    upstream.on('open', () => queued.splice(0).forEach((text) => upstream.send(text)));
    client.on('message', (data) => {
      const frame = doctor(JSON.parse(data.toString()) as Frame, 'client');
      if (frame === 'cut') return cut();
      if (upstream.readyState === upstream.OPEN) upstream.send(JSON.stringify(frame));
      else queued.push(JSON.stringify(frame));
    });
    upstream.on('message', (data) => {
      const frame = doctor(JSON.parse(data.toString()) as Frame, 'coordinator');
      if (frame === 'cut') return cut();
      if (client.readyState === client.OPEN) client.send(JSON.stringify(frame));
    });
    client.on('close', () => upstream.terminate());
    upstream.on('close', () => client.close());
    // A coordinator that is down refuses the upstream connection; its close then closes the client's.
    upstream.on('error', () => undefined);
    client.on('error', () => undefined);
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}
