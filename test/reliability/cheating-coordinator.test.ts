/**
 * A cheating coordinator is caught (DESIGN.md §1 invariant 3). The test-only variant is a man in the
 * middle in front of a real coordinator: it shows one member (the victim) a doctored transcript or a
 * doctored published result. The victim's client replays and re-assembles on its own, refuses to
 * approve with an error that says what differs, and the ceremony ends ABORTED with no artifact.
 */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startCoordinator } from '../../server/coordinator.js';
import { ConcordError } from '../../shared/errors.js';
import { makeCeremony, randomHash } from '../helpers/ceremony.js';
import { tempFolder } from '../helpers/temp.js';
import { joinAs } from '../helpers/participants.js';

type Frame = { type: string; entries?: Record<string, unknown>[]; status?: Record<string, unknown> };

/** A proxy that forwards everything, passing each coordinator→client frame through `doctor`. */
async function startCheatingProxy(upstreamUrl: string, doctor: (frame: Frame) => Frame): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (client) => {
    const upstream = new WebSocket(upstreamUrl);
    const queued: WebSocket.RawData[] = [];
    upstream.on('open', () => queued.splice(0).forEach((data) => upstream.send(data.toString())));
    client.on('message', (data) => (upstream.readyState === upstream.OPEN ? upstream.send(data.toString()) : queued.push(data)));
    upstream.on('message', (data) => client.send(JSON.stringify(doctor(JSON.parse(data.toString()) as Frame))));
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`,
    close: () => new Promise((resolve) => wss.close(() => resolve())),
  };
}

const doctoredTranscript =
  (change: (entries: Record<string, unknown>[]) => Record<string, unknown>[]) =>
  (frame: Frame): Frame =>
    frame.type === 'transcript' && frame.entries !== undefined ? { ...frame, entries: change(structuredClone(frame.entries)) } : frame;

const reveals = (entries: Record<string, unknown>[]): number[] => entries.flatMap((entry, i) => (entry.kind === 'Reveal' ? [i] : []));

describe('a coordinator that shows one member something else', () => {
  it.each<[string, (frame: Frame) => Frame, RegExp]>([
    ['drops another member’s reveal', doctoredTranscript((entries) => entries.filter((_, i) => i !== reveals(entries)[0])), /transcript is invalid at transcript\[\d+\]\.(seq|prevHash)/],
    [
      'reorders the transcript',
      doctoredTranscript((entries) => {
        const [a, b] = reveals(entries);
        [entries[a as number], entries[b as number]] = [entries[b as number] as Record<string, unknown>, entries[a as number] as Record<string, unknown>];
        return entries;
      }),
      /transcript is invalid at transcript\[\d+\]\.(seq|prevHash)/,
    ],
    [
      'shows a different reveal set (another endpoint for a node)',
      doctoredTranscript((entries) => {
        const reveal = entries[reveals(entries)[0] as number] as { payload: { contribution: { authorities: { endpoint: string }[] } } };
        (reveal.payload.contribution.authorities[0] as { endpoint: string }).endpoint = '198.51.100.7:30303';
        return entries;
      }),
      /transcript is invalid at transcript\[\d+\]\.payload\.contributionHash/,
    ],
    [
      'publishes another genesis hash',
      (frame) =>
        frame.type === 'status' && frame.status?.assembly !== null && frame.status?.assembly !== undefined
          ? { ...frame, status: { ...frame.status, assembly: { ...(frame.status.assembly as object), genesisHash: randomHash() } } }
          : frame,
      /genesisHash differs: coordinator 0x[0-9a-f]{64}, computed 0x[0-9a-f]{64}/,
    ],
  ])('when it %s, the member refuses to approve, the ceremony aborts and no artifact exists', async (_name, doctor, difference) => {
    const ceremony = makeCeremony({ ceremonyId: 'cheat', layout: ['Honest A', 'Honest B', 'Victim'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 })) });
    const folder = await tempFolder('cheat');
    const coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    const proxy = await startCheatingProxy(coordinator.wsUrl, doctor);
    const outcomes = await Promise.allSettled(
      ceremony.members.map((member, i) =>
        joinAs({ wsUrl: member.name === 'Victim' ? proxy.url : coordinator.wsUrl, ceremony, member, folder: join(folder, member.name), endpoints: [`127.0.0.1:${33000 + i}`] }),
      ),
    );
    await proxy.close();
    const status = coordinator.ceremony('cheat').status();
    const artifact = await fetch(`${coordinator.httpUrl}/api/ceremonies/cheat/artifact`);
    await coordinator.close();

    const victim = outcomes[2] as PromiseRejectedResult;
    expect(victim.status).toBe('rejected');
    expect(victim.reason).toBeInstanceOf(ConcordError);
    expect((victim.reason as ConcordError).code).toBe('ASSEMBLY_MISMATCH');
    expect((victim.reason as ConcordError).expected).toMatch(difference);
    for (const honest of outcomes.slice(0, 2)) {
      expect(honest.status).toBe('rejected');
      expect(((honest as PromiseRejectedResult).reason as ConcordError).code).toBe('ABORTED');
    }
    expect(status.phase).toBe('ABORTED');
    expect(status.abort?.reason).toMatch(/^Victim refuses to approve: /);
    expect(artifact.status).toBe(404);
  });
});
