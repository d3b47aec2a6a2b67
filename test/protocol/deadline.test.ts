/**
 * Phase deadlines on a real coordinator (issue 5 #3): each phase's deadline is the spec's, counted from
 * the phase's start; when it passes, the coordinator records a signed Abort naming who did not act,
 * tells connected members and observers, and accepts nothing after. That holds for every phase, for a
 * deadline that passed while the coordinator was down (it is ABORTED as it starts), and for a message
 * that arrives after the deadline before the deadline's timer has fired.
 * The deadlines leave seconds of margin for the work that must come before them.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { parseSpec, hashSpec } from '../../shared/spec/parse.js';
import { replay } from '../../shared/ceremony/reducer.js';
import type { CeremonyStatus } from '../../shared/protocol/messages.js';
import { makeCeremony, makeKey, specJson, type TestCeremony, type TestKey, type TestMember } from '../helpers/ceremony.js';
import { connectAll, frameFor, STEPS, type Step } from '../helpers/scripted-members.js';
import { connectMember, connectRaw, type RawClient } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';

/** The statuses the coordinator pushes to `client`, and a promise of the first ABORTED one. */
function listen(client: RawClient): { pushed: CeremonyStatus[]; aborted: Promise<CeremonyStatus> } {
  const pushed: CeremonyStatus[] = [];
  const aborted = new Promise<CeremonyStatus>((resolve) => {
    client.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; status?: CeremonyStatus };
      if (frame.type !== 'status' || frame.status === undefined) return;
      pushed.push(frame.status);
      if (frame.status.phase === 'ABORTED') resolve(frame.status);
    });
  });
  return { pushed, aborted };
}

/** An observer connection to `ceremonyId`. */
async function observe(wsUrl: string, ceremonyId: string): Promise<RawClient> {
  const observer = await connectRaw(wsUrl);
  expect(await observer.send(JSON.stringify({ type: 'hello', ceremonyId, role: 'observer' }))).toMatchObject({ type: 'welcome' });
  return observer;
}

/** What an abort reason says of a member: its name and identity. */
const named = (member: TestMember): string => `${member.name} (${member.identity.address})`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the accept phase\'s deadline', () => {
  const coordinatorKey = makeKey();
  const identities: TestKey[] = [makeKey(), makeKey(), makeKey()];
  const names = ['Early', 'Late', 'Later'];
  const raw = specJson(
    'deadline',
    coordinatorKey.address,
    identities.map((identity, i) => ({ layout: { name: names[i] as string, authorityNodes: 1, bridgeValidators: 0 }, identity: identity.address, endpoints: [] })),
  );
  const spec = parseSpec({ ...raw, deadlines: { acceptSec: 4, commitSec: 60, revealSec: 60, approveSec: 60 } });
  const specHash = hashSpec(spec);
  let coordinator: RunningCoordinator;
  let pushed: CeremonyStatus[];

  beforeAll(async () => {
    const folder = await tempFolder('deadline');
    coordinator = await startCoordinator({ spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: coordinatorKey.secretKey });
    const observer = listen(await observe(coordinator.wsUrl, 'deadline'));
    pushed = observer.pushed;
    const early = await connectMember(coordinator.wsUrl, 'deadline', identities[0] as TestKey);
    const payload = { ceremonyId: 'deadline', specHash };
    const reply = await early.send(JSON.stringify({ type: 'submit', id: 1, kind: 'Accept', payload, signature: signTyped('Accept', payload, (identities[0] as TestKey).secretKey) }));
    expect(reply.type).toBe('receipt');
    await observer.aborted;
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

/**
 * Drives every member through the steps before `step` in spec order, pausing before the last message
 * (the one that starts `step`'s phase); returns the test's clock just before that message was sent.
 */
async function driveTo(ceremony: TestCeremony, clients: RawClient[], step: Step, pauseMs: number): Promise<number> {
  let sentMs = 0;
  for (const earlier of STEPS.slice(0, STEPS.indexOf(step))) {
    for (const [i, member] of ceremony.members.entries()) {
      const client = clients[i] as RawClient;
      const frame = await frameFor(ceremony, member, earlier, client);
      if (earlier === STEPS[STEPS.indexOf(step) - 1] && i === ceremony.members.length - 1) {
        await sleep(pauseMs);
        sentMs = Date.now();
      }
      expect(await client.send(frame)).toMatchObject({ type: 'receipt' });
    }
  }
  return sentMs;
}

describe.each([
  { phase: 'COMMIT', step: 'Commit', key: 'commitSec', seconds: 5 },
  { phase: 'REVEAL', step: 'Reveal', key: 'revealSec', seconds: 5 },
  // The Approve is made from a replay of the transcript, assembly included.
  { phase: 'APPROVE', step: 'Approve', key: 'approveSec', seconds: 6 },
] as const)('the $phase phase\'s deadline', ({ phase, step, key, seconds }) => {
  const windowMs = seconds * 1000;
  const ceremonyId = `deadline-${phase.toLowerCase()}`;
  const ceremony = makeCeremony({ ceremonyId, deadlines: { [key]: seconds } });
  const [alpha, beta, gamma] = ceremony.members as [TestMember, TestMember, TestMember];
  let coordinator: RunningCoordinator;
  let clients: RawClient[];
  let startSentMs: number;
  let betaHeard: CeremonyStatus[];
  let observerHeard: CeremonyStatus[];
  const host = () => coordinator.ceremony(ceremonyId);

  beforeAll(async () => {
    const folder = await tempFolder(ceremonyId);
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    clients = await connectAll(coordinator.wsUrl, ceremony);
    const observer = listen(await observe(coordinator.wsUrl, ceremonyId));
    const member = listen(clients[1] as RawClient);
    observerHeard = observer.pushed;
    betaHeard = member.pushed;
    // The pause puts the phase's start well after the ceremony's creation and the previous phase's start.
    startSentMs = await driveTo(ceremony, clients, step, 1000);
    expect(host().status().phase).toBe(phase);
    const alphaClient = clients[0] as RawClient;
    expect(await alphaClient.send(await frameFor(ceremony, alpha, step, alphaClient))).toMatchObject({ type: 'receipt' });
    await Promise.all([member.aborted, observer.aborted]);
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('moves the ceremony to ABORTED with a reason naming the members who did not act', () => {
    const status = host().status();
    expect(status.phase).toBe('ABORTED');
    expect(status.abort?.by).toBe(ceremony.coordinator.address);
    expect(status.abort?.reason).toBe(`deadline of phase ${phase} passed; no message from ${named(beta)}, ${named(gamma)}`);
  });

  it('is counted from the phase\'s start', () => {
    const entries = host().transcript(0);
    const abortSeq = entries.length - 1;
    const window = host().phaseHistory().find((w) => w.phase === phase);
    const startedMs = host().acceptedAtMs()[abortSeq - 2] as number;
    expect(window).toEqual({ phase, startedMs, deadlineMs: startedMs + windowMs });
    expect(startedMs).toBeGreaterThanOrEqual(startSentMs);
    expect(host().acceptedAtMs()[abortSeq]).toBeGreaterThanOrEqual(startSentMs + windowMs);
  });

  it('records the abort as a coordinator-signed transcript entry that replays', async () => {
    const entries = host().transcript(0);
    expect(entries.map((entry) => entry.kind).slice(-2)).toEqual([step, 'Abort']);
    expect((await replay(ceremony.context, entries)).phase).toBe('ABORTED');
  });

  it('tells the connected members and observers', () => {
    expect(betaHeard.at(-1)?.phase).toBe('ABORTED');
    expect(betaHeard.at(-1)?.abort?.reason).toContain(named(beta));
    expect(observerHeard.at(-1)?.phase).toBe('ABORTED');
  });

  it('accepts nothing after', async () => {
    const seq = host().status().seq;
    const betaClient = clients[1] as RawClient;
    expect(await betaClient.send(await frameFor(ceremony, beta, step, betaClient))).toMatchObject({ type: 'error', code: 'WRONG_PHASE' });
    expect(host().status().seq).toBe(seq);
  });
});

describe('a deadline that passes while the coordinator is down', () => {
  const ceremony = makeCeremony({ ceremonyId: 'deadline-down', deadlines: { commitSec: 4 } });
  const [alpha, beta, gamma] = ceremony.members as [TestMember, TestMember, TestMember];
  let dbPath: string;
  let coordinator: RunningCoordinator;
  let deadlineMs: number;

  const start = (): Promise<RunningCoordinator> =>
    startCoordinator({ spec: ceremony.spec, dbPath, host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });

  beforeAll(async () => {
    dbPath = join(await tempFolder('deadline-down'), 'c.sqlite');
    coordinator = await start();
    const clients = await connectAll(coordinator.wsUrl, ceremony);
    await driveTo(ceremony, clients, 'Commit', 0);
    const alphaClient = clients[0] as RawClient;
    expect(await alphaClient.send(await frameFor(ceremony, alpha, 'Commit', alphaClient))).toMatchObject({ type: 'receipt' });
    deadlineMs = coordinator.ceremony('deadline-down').status().deadlineMs as number;
    await coordinator.close();
    await sleep(deadlineMs - Date.now() + 200);
    coordinator = await start();
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('is ABORTED as the coordinator starts, naming who did not act', () => {
    const host = coordinator.ceremony('deadline-down');
    expect(host.status().phase).toBe('ABORTED');
    expect(host.status().abort?.reason).toBe(`deadline of phase COMMIT passed; no message from ${named(beta)}, ${named(gamma)}`);
    expect(host.transcript(0).map((entry) => entry.kind)).toEqual(['Accept', 'Accept', 'Accept', 'Commit', 'Abort']);
    expect(host.acceptedAtMs().at(-1)).toBeGreaterThanOrEqual(deadlineMs);
  });

  it('shows a member who connects the Abort, and accepts nothing from it', async () => {
    const [, betaClient] = await connectAll(coordinator.wsUrl, ceremony);
    const client = betaClient as RawClient;
    const reply = await client.send(JSON.stringify({ type: 'transcript', id: 1, fromSeq: 0 }));
    expect((reply.entries as { kind: string }[]).at(-1)?.kind).toBe('Abort');
    expect(await client.send(await frameFor(ceremony, beta, 'Commit', client))).toMatchObject({ type: 'error', code: 'WRONG_PHASE' });
  });
});

describe('a message that arrives after the deadline, before its timer has fired', () => {
  const ceremony = makeCeremony({ ceremonyId: 'deadline-skew' });
  const [alpha, beta, gamma] = ceremony.members as [TestMember, TestMember, TestMember];
  let skewMs = 0;
  let coordinator: RunningCoordinator;

  beforeAll(async () => {
    const folder = await tempFolder('deadline-skew');
    // The coordinator's clock, moved forward past the accept deadline below; its timer still waits an hour.
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey, now: () => Date.now() + skewMs });
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('is refused, and the ceremony is ABORTED naming who had not acted by the deadline', async () => {
    const clients = await connectAll(coordinator.wsUrl, ceremony);
    const alphaClient = clients[0] as RawClient;
    expect(await alphaClient.send(await frameFor(ceremony, alpha, 'Accept', alphaClient))).toMatchObject({ type: 'receipt' });
    skewMs = ceremony.spec.deadlines.acceptSec * 1000;
    const betaClient = clients[1] as RawClient;
    expect(await betaClient.send(await frameFor(ceremony, beta, 'Accept', betaClient))).toMatchObject({ type: 'error', code: 'WRONG_PHASE' });
    const host = coordinator.ceremony('deadline-skew');
    expect(host.status().abort?.reason).toBe(`deadline of phase ACCEPT passed; no message from ${named(beta)}, ${named(gamma)}`);
    expect(host.transcript(0).map((entry) => entry.kind)).toEqual(['Accept', 'Abort']);
  });
});
