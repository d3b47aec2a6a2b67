/**
 * One websocket connection to the coordinator: hello → (members) challenge/auth → submit and read.
 * Every frame is size-capped by ws `maxPayload` before parsing, validated by the shared frame schema,
 * and answered; a bad frame gets an error naming what was wrong and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { ConcordError, type ErrorReply } from '../../shared/errors.js';
import { toHex } from '../../shared/hash/hex.js';
import { recoverTypedSigner } from '../../shared/eip712/sign.js';
import { parseWith } from '../../shared/validation/zod.js';
import { clientFrameSchema, type ClientFrame, type ServerFrame } from '../../shared/protocol/messages.js';
import type { Address } from '../../shared/crypto/secp256k1.js';
import type { CeremonyHost } from '../ceremony/host.js';
import type { CeremonyRegistry } from '../ceremony/registry.js';
import type { StatusHub } from './hub.js';
import { TokenBucket } from './rate-limit.js';

type Session =
  | { stage: 'new' }
  | { stage: 'challenged'; host: CeremonyHost; member: Address; nonce: string }
  | { stage: 'member'; host: CeremonyHost; member: Address }
  | { stage: 'observer'; host: CeremonyHost };

export interface ConnectionContext {
  registry: CeremonyRegistry;
  hub: StatusHub;
  now: () => number;
  log: (line: string) => void;
}

/** Frames a connection may send in a burst, and per second after it. */
const BURST_FRAMES = 60;
const FRAMES_PER_SECOND = 20;

/** Serves one websocket until it closes. */
export function serveConnection(socket: WebSocket, context: ConnectionContext): void {
  let session: Session = { stage: 'new' };
  const bucket = new TokenBucket(BURST_FRAMES, FRAMES_PER_SECOND, context.now);
  const send = (frame: ServerFrame): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  // ws reports protocol violations (e.g. a frame over maxPayload: close 1009) as an 'error' event;
  // unhandled it would take the whole coordinator down.
  socket.on('error', (error) => context.log(`connection closed: ${error.message}`));

  socket.on('message', (data, isBinary) => {
    let id: number | null = null;
    if (!bucket.take()) {
      send({ type: 'error', id, code: 'RATE_LIMITED', path: 'frame', expected: `at most ${FRAMES_PER_SECOND} frames per second after a burst of ${BURST_FRAMES}; connection closed` });
      socket.close(1008, 'rate limit');
      return;
    }
    void (async () => {
      if (isBinary) throw new ConcordError('MESSAGE_INVALID', 'frame', 'a text frame holding JSON');
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        throw new ConcordError('MESSAGE_INVALID', 'frame', 'a JSON text');
      }
      const frame: ClientFrame = parseWith(clientFrameSchema, json, 'MESSAGE_INVALID', 'frame');
      if ('id' in frame) id = frame.id;
      session = await handle(frame, session, context, send, socket);
    })().catch((error: unknown) => {
      const reply: ErrorReply = error instanceof ConcordError ? error.toReply() : internal(error, context);
      send({ type: 'error', id, ...reply });
    });
  });
}

function internal(error: unknown, context: ConnectionContext): ErrorReply {
  context.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: 'INTERNAL', path: '', expected: 'a coordinator without internal faults (logged on the coordinator)' };
}

async function handle(frame: ClientFrame, session: Session, context: ConnectionContext, send: (frame: ServerFrame) => void, socket: WebSocket): Promise<Session> {
  switch (frame.type) {
    case 'hello': {
      if (session.stage !== 'new') throw new ConcordError('MESSAGE_INVALID', 'frame.type', 'one hello per connection');
      const host = context.registry.get(frame.ceremonyId, 'frame.ceremonyId');
      const welcome = (): void => {
        const { spec, specHash } = host.identity();
        send({ type: 'welcome', spec, specHash, status: host.status() });
        context.hub.subscribe(frame.ceremonyId, socket);
      };
      if (frame.role === 'observer') {
        if (frame.member !== undefined) throw new ConcordError('MESSAGE_INVALID', 'frame.member', 'no member field for role observer');
        welcome();
        return { stage: 'observer', host };
      }
      if (frame.member === undefined || !host.isMember(frame.member)) throw new ConcordError('NOT_A_MEMBER', 'frame.member', 'the identity of a member listed in the spec or admitted since');
      const nonce = toHex(randomBytes(32));
      send({ type: 'challenge', ceremonyId: frame.ceremonyId, coordinator: context.registry.coordinator, nonce });
      return { stage: 'challenged', host, member: frame.member, nonce };
    }
    case 'auth': {
      if (session.stage !== 'challenged') throw new ConcordError('MESSAGE_INVALID', 'frame.type', 'auth only after a member hello and its challenge');
      const { spec, specHash } = session.host.identity();
      const signer = recoverTypedSigner('Auth', { ceremonyId: spec.ceremonyId, coordinator: context.registry.coordinator, nonce: session.nonce }, frame.signature, 'frame.signature');
      if (signer !== session.member) throw new ConcordError('SIGNATURE_INVALID', 'frame.signature', `an EIP-712 Auth signature by ${session.member} over this connection's nonce`);
      send({ type: 'welcome', spec, specHash, status: session.host.status() });
      context.hub.subscribe(spec.ceremonyId, socket);
      return { stage: 'member', host: session.host, member: session.member };
    }
    case 'submit': {
      if (session.stage !== 'member') throw new ConcordError('UNAUTHENTICATED', 'frame.type', 'submit only after authenticating as a member (hello, auth)');
      const receipt = await session.host.submit(session.member, frame.kind, frame.payload, frame.signature);
      send({ type: 'receipt', id: frame.id, receipt });
      return session;
    }
    case 'transcript': {
      if (session.stage !== 'member' && session.stage !== 'observer') throw new ConcordError('UNAUTHENTICATED', 'frame.type', 'a hello (and, for members, auth) first');
      send({ type: 'transcript', id: frame.id, entries: session.host.transcript(frame.fromSeq) });
      return session;
    }
  }
}
