/**
 * A websocket link to the coordinator: hello and (for members) nonce authentication, then
 * request/response by id for submit and transcript, and pushed status frames. Every frame from the
 * coordinator is validated with the shared schema: the coordinator is trusted for nothing.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { ConcordError } from '../../shared/errors.js';
import type { Address } from '../../shared/crypto/secp256k1.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { parseWith } from '../../shared/validation/zod.js';
import { serverFrameSchema, type CeremonyStatus, type ClientFrame, type Receipt, type ServerFrame } from '../../shared/protocol/messages.js';
import type { MemberEntryKind, TranscriptEntry } from '../../shared/transcript/entry.js';

export interface Welcome {
  spec: unknown;
  specHash: string;
  status: CeremonyStatus;
  /** The coordinator address the connection's challenge named (members only). */
  coordinator: Address | null;
}

export interface LinkIdentity {
  address: Address;
  secretKey: Uint8Array;
}

type Pending = { resolve: (frame: ServerFrame) => void; reject: (error: Error) => void };

export class CoordinatorLink extends EventEmitter<{ status: [CeremonyStatus]; close: [] }> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly socket: WebSocket) {
    super();
  }

  /** Connects, says hello, authenticates if `identity` is given, and resolves with the welcome. */
  static async connect(wsUrl: string, ceremonyId: string, identity: LinkIdentity | null): Promise<{ link: CoordinatorLink; welcome: Welcome }> {
    const socket = new WebSocket(wsUrl);
    const link = new CoordinatorLink(socket);
    const welcome = await new Promise<Welcome>((resolve, reject) => {
      let coordinator: Address | null = null;
      const fail = (error: Error): void => {
        socket.terminate();
        reject(error);
      };
      socket.once('error', (error) => fail(new ConcordError('NOT_FOUND', wsUrl, `a reachable coordinator (${error.message})`)));
      socket.once('close', () => fail(new ConcordError('NOT_FOUND', wsUrl, 'a coordinator that keeps the connection open')));
      socket.once('open', () => {
        const hello: ClientFrame = identity === null ? { type: 'hello', ceremonyId, role: 'observer' } : { type: 'hello', ceremonyId, role: 'member', member: identity.address };
        socket.send(JSON.stringify(hello));
      });
      const onFrame = (frame: ServerFrame): void => {
        if (frame.type === 'challenge' && identity !== null) {
          coordinator = frame.coordinator;
          const signature = signTyped('Auth', { ceremonyId, coordinator: frame.coordinator, nonce: frame.nonce }, identity.secretKey);
          socket.send(JSON.stringify({ type: 'auth', signature } satisfies ClientFrame));
        } else if (frame.type === 'welcome') {
          socket.removeAllListeners('error');
          socket.removeAllListeners('close');
          socket.off('message', onMessage);
          link.listen();
          resolve({ spec: frame.spec, specHash: frame.specHash, status: frame.status, coordinator });
        } else if (frame.type === 'error') {
          fail(new ConcordError(frame.code, frame.path, frame.expected));
        }
      };
      const onMessage = (data: WebSocket.RawData): void => {
        try {
          onFrame(parseFrame(data));
        } catch (error) {
          fail(error as Error);
        }
      };
      socket.on('message', onMessage);
    });
    return { link, welcome };
  }

  /** Submits a signed message; resolves with the coordinator's receipt or rejects with its error. */
  async submit(kind: MemberEntryKind, payload: unknown, signature: string): Promise<Receipt> {
    const frame = await this.request((id) => ({ type: 'submit', id, kind, payload, signature }));
    if (frame.type !== 'receipt') throw new ConcordError('MESSAGE_INVALID', 'coordinator reply', 'a receipt');
    return frame.receipt;
  }

  /** The transcript from `fromSeq` on. */
  async transcript(fromSeq: number): Promise<TranscriptEntry[]> {
    const frame = await this.request((id) => ({ type: 'transcript', id, fromSeq }));
    if (frame.type !== 'transcript') throw new ConcordError('MESSAGE_INVALID', 'coordinator reply', 'a transcript');
    return frame.entries;
  }

  close(): void {
    this.socket.close();
  }

  private listen(): void {
    this.socket.on('message', (data) => {
      let frame: ServerFrame;
      try {
        frame = parseFrame(data);
      } catch {
        return;
      }
      if (frame.type === 'status') {
        this.emit('status', frame.status);
        return;
      }
      const id = 'id' in frame ? frame.id : null;
      const pending = id === null ? undefined : this.pending.get(id);
      if (pending === undefined || id === null) return;
      this.pending.delete(id);
      if (frame.type === 'error') pending.reject(new ConcordError(frame.code, frame.path, frame.expected));
      else pending.resolve(frame);
    });
    this.socket.on('close', () => {
      for (const pending of this.pending.values()) pending.reject(new ConcordError('NOT_FOUND', 'coordinator', 'a connection that stays open'));
      this.pending.clear();
      this.emit('close');
    });
    this.socket.on('error', () => undefined);
  }

  private request(make: (id: number) => ClientFrame): Promise<ServerFrame> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify(make(id)), (error) => {
        if (error !== undefined && error !== null) {
          this.pending.delete(id);
          reject(new ConcordError('NOT_FOUND', 'coordinator', 'a connection that stays open'));
        }
      });
    });
  }
}

function parseFrame(data: WebSocket.RawData): ServerFrame {
  let json: unknown;
  try {
    json = JSON.parse(data.toString());
  } catch {
    throw new ConcordError('MESSAGE_INVALID', 'coordinator frame', 'JSON text');
  }
  return parseWith(serverFrameSchema, json, 'MESSAGE_INVALID', 'coordinator frame');
}
