/**
 * Messages are idempotent by content over a real websocket: the same message (kind, member, payload)
 * sent again with another valid signature (ECDSA with extra entropy signs the same digest differently)
 * gets the original receipt and changes nothing, before and after a restart; the same content signed by
 * someone else is refused as mis-signed, and a different message of the same kind from the same member
 * is still refused as a DUPLICATE.
 */
import { join } from 'node:path';
import * as secp from '@noble/secp256k1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { messageDigest, type SignedMessage } from '../../shared/transcript/entry.js';
import { toHex, type Hex } from '../../shared/hash/hex.js';
import { makeCeremony, randomHash, signPayload, type TestKey, type TestMember } from '../helpers/ceremony.js';
import { connectAll } from '../helpers/scripted-members.js';
import type { RawClient } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';

/** A valid signature of `message` by `key` that is (with overwhelming probability) not the deterministic RFC 6979 one. */
function signWithEntropy(message: SignedMessage, key: TestKey): Hex {
  const recovered = secp.sign(messageDigest(message), key.secretKey, { prehash: false, format: 'recovered', extraEntropy: true });
  return toHex(Uint8Array.of(...recovered.subarray(1), 27 + (recovered[0] as number)));
}

describe('a resent message', () => {
  const ceremony = makeCeremony({ ceremonyId: 'resend' });
  const [alpha, beta] = ceremony.members as [TestMember, TestMember, TestMember];
  const base = { ceremonyId: 'resend', specHash: ceremony.specHash };
  const commit = { kind: 'Commit' as const, payload: { ...base, commitment: randomHash() } };
  let dbPath: string;
  let coordinator: RunningCoordinator;
  let clients: RawClient[];
  let id = 1;
  let acceptReceipt: unknown;
  let commitReceipt: unknown;

  const start = (): Promise<RunningCoordinator> =>
    startCoordinator({ spec: ceremony.spec, dbPath, host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
  const host = () => coordinator.ceremony('resend');
  const submit = (message: SignedMessage, signature: string, client = clients[0] as RawClient): Promise<Record<string, unknown>> =>
    client.send(JSON.stringify({ type: 'submit', id: id++, kind: message.kind, payload: message.payload, signature }));

  beforeAll(async () => {
    dbPath = join(await tempFolder('resend'), 'c.sqlite');
    coordinator = await start();
    clients = await connectAll(coordinator.wsUrl, ceremony);
    for (const [i, member] of ceremony.members.entries()) {
      const reply = await submit({ kind: 'Accept', payload: base }, signPayload('Accept', base, member.identity.secretKey), clients[i]);
      expect(reply.type).toBe('receipt');
      if (member === alpha) acceptReceipt = reply.receipt;
    }
    const reply = await submit(commit, signPayload('Commit', commit.payload, alpha.identity.secretKey));
    expect(reply.type).toBe('receipt');
    commitReceipt = reply.receipt;
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('with another valid signature gets the original receipt and adds nothing', async () => {
    const head = host().status().head;
    const signature = signWithEntropy(commit, alpha.identity);
    expect(signature).not.toBe(host().transcript(0).at(-1)?.signature);
    expect(await submit(commit, signature)).toEqual({ type: 'receipt', id: id - 1, receipt: commitReceipt });
    expect(host().status().head).toBe(head);
    expect(host().transcript(0)).toHaveLength(4);
  });

  it('of an earlier phase, with another valid signature, gets the original receipt', async () => {
    const head = host().status().head;
    const accept: SignedMessage = { kind: 'Accept', payload: base };
    expect(await submit(accept, signWithEntropy(accept, alpha.identity))).toMatchObject({ type: 'receipt', receipt: acceptReceipt });
    expect(host().status().head).toBe(head);
  });

  it('signed by someone else is refused as mis-signed', async () => {
    const head = host().status().head;
    expect(await submit(commit, signWithEntropy(commit, beta.identity))).toMatchObject({ type: 'error', code: 'SIGNATURE_INVALID', path: 'message.signature' });
    expect(host().status().head).toBe(head);
  });

  it('that differs in content is a second message of its kind, refused as a DUPLICATE', async () => {
    const head = host().status().head;
    const other = { kind: 'Commit' as const, payload: { ...base, commitment: randomHash() } };
    expect(await submit(other, signPayload('Commit', other.payload, alpha.identity.secretKey))).toMatchObject({ type: 'error', code: 'DUPLICATE', path: 'message.kind' });
    expect(host().status().head).toBe(head);
  });

  it('after a restart, with yet another signature, still gets the original receipt', async () => {
    await coordinator.close();
    coordinator = await start();
    clients = await connectAll(coordinator.wsUrl, ceremony);
    const head = host().status().head;
    expect(await submit(commit, signWithEntropy(commit, alpha.identity))).toMatchObject({ type: 'receipt', receipt: commitReceipt });
    expect(host().status().head).toBe(head);
    expect(host().transcript(0)).toHaveLength(4);
  });
});
