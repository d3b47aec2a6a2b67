/**
 * A raw websocket client for protocol tests: sends any frame (valid or not) and reads the coordinator's
 * replies in order, so a test can put hostile bytes on the wire and see exactly what comes back.
 */
import WebSocket from 'ws';
import { signTyped } from '../../shared/eip712/sign.js';
import type { TestKey } from './ceremony.js';

export interface RawClient {
  socket: WebSocket;
  /** Sends text (or raw bytes) and resolves with the next frame the coordinator sends, parsed. */
  send(data: string | Buffer): Promise<Record<string, unknown>>;
  /** Resolves with the close code when the coordinator closes the connection. */
  closed: Promise<number>;
  close(): void;
}

export async function connectRaw(wsUrl: string): Promise<RawClient> {
  const socket = new WebSocket(wsUrl);
  const inbox: Record<string, unknown>[] = [];
  const waiting: ((frame: Record<string, unknown>) => void)[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    if (frame.type === 'status') return;
    const next = waiting.shift();
    if (next === undefined) inbox.push(frame);
    else next(frame);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    closed,
    send(data) {
      socket.send(data);
      const ready = inbox.shift();
      return ready === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(ready);
    },
    close() {
      socket.close();
    },
  };
}

/** Connects and authenticates as `identity`, answering the coordinator's challenge. */
export async function connectMember(wsUrl: string, ceremonyId: string, identity: TestKey): Promise<RawClient> {
  const client = await connectRaw(wsUrl);
  const challenge = await client.send(JSON.stringify({ type: 'hello', ceremonyId, role: 'member', member: identity.address }));
  if (challenge.type !== 'challenge') throw new Error(`expected a challenge, got ${JSON.stringify(challenge)}`);
  const signature = signTyped('Auth', { ceremonyId, coordinator: challenge.coordinator as string, nonce: challenge.nonce as string }, identity.secretKey);
  const welcome = await client.send(JSON.stringify({ type: 'auth', signature }));
  if (welcome.type !== 'welcome') throw new Error(`expected a welcome, got ${JSON.stringify(welcome)}`);
  return client;
}
