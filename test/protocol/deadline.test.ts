/**
 * Phase deadlines on a real coordinator: when the accept phase's deadline passes, the coordinator
 * records a signed Abort naming who did not act, tells connected observers, and accepts nothing after.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { parseSpec, hashSpec } from '../../shared/spec/parse.js';
import { replay } from '../../shared/ceremony/reducer.js';
import { makeKey, specJson, type TestKey } from '../helpers/ceremony.js';
import { connectMember, connectRaw, type RawClient } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';

describe('a phase deadline that passes', () => {
  const coordinatorKey = makeKey();
  const identities: TestKey[] = [makeKey(), makeKey(), makeKey()];
  const names = ['Early', 'Late', 'Later'];
  const raw = specJson(
    'deadline',
    coordinatorKey.address,
    identities.map((identity, i) => ({ layout: { name: names[i] as string, authorityNodes: 1, bridgeValidators: 0 }, identity: identity.address, endpoints: [] })),
  );
  const spec = parseSpec({ ...raw, deadlines: { acceptSec: 1, commitSec: 60, revealSec: 60, approveSec: 60 } });
  const specHash = hashSpec(spec);
  let coordinator: RunningCoordinator;
  let early: RawClient;
  const pushed: { phase: string }[] = [];
  let aborted: () => void = () => undefined;
  const abortPushed = new Promise<void>((resolve) => (aborted = resolve));

  beforeAll(async () => {
    const folder = await tempFolder('deadline');
    coordinator = await startCoordinator({ spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: coordinatorKey.secretKey });
    const observer = await connectRaw(coordinator.wsUrl);
    observer.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; status?: { phase: string } };
      if (frame.type === 'status' && frame.status !== undefined) pushed.push(frame.status);
      if (frame.status?.phase === 'ABORTED') aborted();
    });
    await observer.send(JSON.stringify({ type: 'hello', ceremonyId: 'deadline', role: 'observer' }));
    early = await connectMember(coordinator.wsUrl, 'deadline', identities[0] as TestKey);
    const payload = { ceremonyId: 'deadline', specHash };
    const reply = await early.send(JSON.stringify({ type: 'submit', id: 1, kind: 'Accept', payload, signature: signTyped('Accept', payload, (identities[0] as TestKey).secretKey) }));
    expect(reply.type).toBe('receipt');
    await abortPushed;
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('moves the ceremony to ABORTED with a reason naming the members who did not act', () => {
    const status = coordinator.ceremony('deadline').status();
    expect(status.phase).toBe('ABORTED');
    expect(status.abort?.by).toBe(coordinatorKey.address);
    expect(status.abort?.reason).toContain('deadline of phase ACCEPT passed');
    expect(status.abort?.reason).toContain(`Late (${identities[1]?.address})`);
    expect(status.abort?.reason).toContain(`Later (${identities[2]?.address})`);
    expect(status.abort?.reason).not.toContain('Early');
  });

  it('records the abort as a coordinator-signed transcript entry that replays', async () => {
    const entries = coordinator.ceremony('deadline').transcript(0);
    expect(entries.map((entry) => entry.kind)).toEqual(['Accept', 'Abort']);
    expect((await replay({ spec, specHash }, entries)).phase).toBe('ABORTED');
  });

  it('tells connected observers', () => {
    expect(pushed.at(-1)?.phase).toBe('ABORTED');
  });

  it('accepts nothing after', async () => {
    const late = await connectMember(coordinator.wsUrl, 'deadline', identities[1] as TestKey);
    const payload = { ceremonyId: 'deadline', specHash };
    const reply = await late.send(JSON.stringify({ type: 'submit', id: 2, kind: 'Accept', payload, signature: signTyped('Accept', payload, (identities[1] as TestKey).secretKey) }));
    expect(reply).toMatchObject({ type: 'error', code: 'WRONG_PHASE' });
    expect(coordinator.ceremony('deadline').status().seq).toBe(2);
  });
});
