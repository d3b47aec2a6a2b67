/**
 * Bad input over a real websocket to a real coordinator: each malformed, unsigned, mis-signed,
 * out-of-phase, foreign or non-member message gets an error naming what was wrong, and the transcript
 * head is the same before and after (DESIGN.md §1 invariant 6).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { MAX_FRAME_BYTES } from '../../shared/protocol/messages.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { makeCeremony, makeKey, randomHash, type TestCeremony } from '../helpers/ceremony.js';
import { connectMember, connectRaw, type RawClient } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';

describe('the coordinator refuses bad input and changes nothing', () => {
  let ceremony: TestCeremony;
  let coordinator: RunningCoordinator;
  let alpha: RawClient;
  let id = 1;

  const head = (): string => coordinator.ceremony('hostile').status().head;
  const submit = (client: RawClient, kind: string, payload: unknown, signature: string): Promise<Record<string, unknown>> =>
    client.send(JSON.stringify({ type: 'submit', id: id++, kind, payload, signature }));

  beforeAll(async () => {
    ceremony = makeCeremony({ ceremonyId: 'hostile' });
    const folder = await tempFolder('hostile');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    alpha = await connectMember(coordinator.wsUrl, 'hostile', (ceremony.members[0] as TestCeremony['members'][number]).identity);
  });
  afterAll(async () => {
    await coordinator.close();
  });

  const accept = (ceremonyId = 'hostile', specHash?: string): { ceremonyId: string; specHash: string } => ({ ceremonyId, specHash: specHash ?? ceremony.specHash });

  it.each([
    ['invalid JSON', '{"type": "hello",', 'MESSAGE_INVALID', 'frame'],
    ['an unknown frame type', JSON.stringify({ type: 'launch' }), 'MESSAGE_INVALID', 'frame.type'],
    ['a wrong field type', JSON.stringify({ type: 'transcript', id: 'one', fromSeq: 0 }), 'MESSAGE_INVALID', 'frame.id'],
    ['an unknown field', JSON.stringify({ type: 'transcript', id: 1, fromSeq: 0, extra: true }), 'MESSAGE_INVALID', 'frame'],
    ['an unknown message kind', JSON.stringify({ type: 'submit', id: 9, kind: 'Launch', payload: {}, signature: `0x${'00'.repeat(65)}` }), 'MESSAGE_INVALID', 'frame.kind'],
    ['a second hello', JSON.stringify({ type: 'hello', ceremonyId: 'hostile', role: 'observer' }), 'MESSAGE_INVALID', 'frame.type'],
  ])('answers %s with an error and keeps the connection', async (_name, frame, code, path) => {
    const before = head();
    const reply = await alpha.send(frame);
    expect(reply).toMatchObject({ type: 'error', code, path });
    expect(head()).toBe(before);
  });

  it('refuses a hello for another ceremony', async () => {
    const client = await connectRaw(coordinator.wsUrl);
    expect(await client.send(JSON.stringify({ type: 'hello', ceremonyId: 'other', role: 'observer' }))).toMatchObject({ type: 'error', code: 'NOT_FOUND', path: 'frame.ceremonyId' });
    client.close();
  });

  it('refuses a hello from an identity that is not a member', async () => {
    const client = await connectRaw(coordinator.wsUrl);
    expect(await client.send(JSON.stringify({ type: 'hello', ceremonyId: 'hostile', role: 'member', member: makeKey().address }))).toMatchObject({
      type: 'error',
      code: 'NOT_A_MEMBER',
      path: 'frame.member',
    });
    client.close();
  });

  it('refuses an auth signed by another key than the member it claims', async () => {
    const member = ceremony.members[1] as TestCeremony['members'][number];
    const client = await connectRaw(coordinator.wsUrl);
    const challenge = await client.send(JSON.stringify({ type: 'hello', ceremonyId: 'hostile', role: 'member', member: member.identity.address }));
    const signature = signTyped('Auth', { ceremonyId: 'hostile', coordinator: challenge.coordinator as string, nonce: challenge.nonce as string }, makeKey().secretKey);
    expect(await client.send(JSON.stringify({ type: 'auth', signature }))).toMatchObject({ type: 'error', code: 'SIGNATURE_INVALID', path: 'frame.signature' });
    client.close();
  });

  it('refuses an auth that signs another nonce (a replayed auth)', async () => {
    const member = ceremony.members[1] as TestCeremony['members'][number];
    const client = await connectRaw(coordinator.wsUrl);
    const challenge = await client.send(JSON.stringify({ type: 'hello', ceremonyId: 'hostile', role: 'member', member: member.identity.address }));
    const signature = signTyped('Auth', { ceremonyId: 'hostile', coordinator: challenge.coordinator as string, nonce: randomHash() }, member.identity.secretKey);
    expect(await client.send(JSON.stringify({ type: 'auth', signature }))).toMatchObject({ type: 'error', code: 'SIGNATURE_INVALID' });
    client.close();
  });

  it('refuses a submit before authentication', async () => {
    const client = await connectRaw(coordinator.wsUrl);
    await client.send(JSON.stringify({ type: 'hello', ceremonyId: 'hostile', role: 'observer' }));
    const member = ceremony.members[0] as TestCeremony['members'][number];
    const reply = await submit(client, 'Accept', accept(), signTyped('Accept', accept(), member.identity.secretKey));
    expect(reply).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED' });
    client.close();
  });

  it('refuses a message signed by another member than the connection authenticated', async () => {
    const before = head();
    const other = ceremony.members[1] as TestCeremony['members'][number];
    expect(await submit(alpha, 'Accept', accept(), signTyped('Accept', accept(), other.identity.secretKey))).toMatchObject({
      type: 'error',
      code: 'SIGNATURE_INVALID',
      path: 'message.signature',
    });
    expect(head()).toBe(before);
  });

  it('refuses a message of another phase', async () => {
    const before = head();
    const member = ceremony.members[0] as TestCeremony['members'][number];
    const payload = { ...accept(), commitment: randomHash() };
    expect(await submit(alpha, 'Commit', payload, signTyped('Commit', payload, member.identity.secretKey))).toMatchObject({ type: 'error', code: 'WRONG_PHASE', path: 'message.kind' });
    expect(head()).toBe(before);
  });

  it('refuses a correctly signed message of another ceremony (a cross-ceremony replay)', async () => {
    const before = head();
    const member = ceremony.members[0] as TestCeremony['members'][number];
    const payload = accept('another-ceremony');
    expect(await submit(alpha, 'Accept', payload, signTyped('Accept', payload, member.identity.secretKey))).toMatchObject({
      type: 'error',
      code: 'WRONG_CEREMONY',
      path: 'message.payload.ceremonyId',
    });
    const otherSpec = accept('hostile', randomHash());
    expect(await submit(alpha, 'Accept', otherSpec, signTyped('Accept', otherSpec, member.identity.secretKey))).toMatchObject({ code: 'WRONG_CEREMONY', path: 'message.payload.specHash' });
    expect(head()).toBe(before);
  });

  it('refuses a payload with a field the message kind does not have', async () => {
    const member = ceremony.members[0] as TestCeremony['members'][number];
    const reply = await submit(alpha, 'Accept', { ...accept(), bonus: 1 }, signTyped('Accept', accept(), member.identity.secretKey));
    expect(reply).toMatchObject({ type: 'error', code: 'MESSAGE_INVALID', path: 'message.payload' });
  });

  it('answers an exact resend of an accepted message with the same receipt and no new entry', async () => {
    const member = ceremony.members[0] as TestCeremony['members'][number];
    const signature = signTyped('Accept', accept(), member.identity.secretKey);
    const first = await submit(alpha, 'Accept', accept(), signature);
    expect(first.type).toBe('receipt');
    const after = head();
    const again = await submit(alpha, 'Accept', accept(), signature);
    expect(again.receipt).toEqual(first.receipt);
    expect(head()).toBe(after);
  });

  it('closes the connection on a frame over the size limit (1009) without changing anything', async () => {
    const before = head();
    const client = await connectRaw(coordinator.wsUrl);
    client.socket.send(JSON.stringify({ type: 'hello', ceremonyId: 'x'.repeat(MAX_FRAME_BYTES) }));
    expect(await client.closed).toBe(1009);
    expect(head()).toBe(before);
  });

  it('refuses a binary frame', async () => {
    const client = await connectRaw(coordinator.wsUrl);
    expect(await client.send(Buffer.from([1, 2, 3]))).toMatchObject({ type: 'error', code: 'MESSAGE_INVALID', path: 'frame' });
    client.close();
  });
});
