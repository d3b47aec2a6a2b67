/**
 * Load: a ceremony of 100 members with 500 read-only observers connected at once, all over real
 * websockets to a real coordinator on a SQLite file. It completes, every observer sees FINALIZED, and
 * the heap stays bounded.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCoordinator } from '../../server/coordinator.js';
import { replay } from '../../shared/ceremony/reducer.js';
import { verifyArtifact } from '../../shared/artifact/verify.js';
import { makeCeremony } from '../helpers/ceremony.js';
import { connectAll, frameFor, type Step } from '../helpers/scripted-members.js';
import { connectRaw, type RawClient } from '../helpers/ws-client.js';
import { signPayload } from '../helpers/ceremony.js';
import { tempFolder } from '../helpers/temp.js';

const MEMBERS = 100;
const OBSERVERS = 500;
/** Heap bound for the whole test process (coordinator, 600 sockets, 100 scripted members); about 55 MB measured. */
const HEAP_BOUND_BYTES = 256 * 1024 * 1024;
/**
 * How much the heap may grow from all connected to FINALIZED: a copy of the status or the transcript
 * kept per observer and per push (600 sockets × 400 entries) would be far above it.
 */
const HEAP_GROWTH_BOUND_BYTES = 64 * 1024 * 1024;

describe(`${MEMBERS} members and ${OBSERVERS} observers`, () => {
  it('complete the ceremony with bounded memory', async () => {
    const layout = Array.from({ length: MEMBERS }, (_, i) => ({ name: `Member ${String(i).padStart(3, '0')}`, authorityNodes: 1, bridgeValidators: i < 10 ? 1 : 0 }));
    const ceremony = makeCeremony({ ceremonyId: 'load', layout, requiredSignatures: 6 });
    const folder = await tempFolder('load');
    const coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });

    const finalized: boolean[] = [];
    const observers: RawClient[] = [];
    for (let i = 0; i < OBSERVERS; i += 50) {
      observers.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, OBSERVERS - i) }, async () => {
            const observer = await connectRaw(coordinator.wsUrl);
            const index = finalized.push(false) - 1;
            observer.socket.on('message', (data) => {
              if (data.toString().includes('"phase":"FINALIZED"')) finalized[index] = true;
            });
            expect((await observer.send(JSON.stringify({ type: 'hello', ceremonyId: 'load', role: 'observer' }))).type).toBe('welcome');
            return observer;
          }),
        )),
      );
    }
    const members = await connectAll(coordinator.wsUrl, ceremony);
    const heap: number[] = [process.memoryUsage().heapUsed];

    for (const step of ['Accept', 'Commit', 'Reveal'] as Step[]) {
      const frames = await Promise.all(ceremony.members.map((member, i) => frameFor(ceremony, member, step, members[i] as RawClient)));
      const replies = await Promise.all(frames.map((frame, i) => (members[i] as RawClient).send(frame)));
      expect(replies.filter((reply) => reply.type !== 'receipt')).toEqual([]);
      heap.push(process.memoryUsage().heapUsed);
    }
    // Every honest member approves the same values; compute them once from the served transcript.
    const state = await replay(ceremony.context, coordinator.ceremony('load').transcript(0));
    if (state.assembly === null || state.revealHead === null) throw new Error(`no assembly (phase ${state.phase})`);
    const approve = { ceremonyId: 'load', specHash: ceremony.specHash, transcriptHead: state.revealHead, ...state.assembly.hashes };
    const approvals = await Promise.all(
      ceremony.members.map((member, i) =>
        (members[i] as RawClient).send(JSON.stringify({ type: 'submit', id: 1, kind: 'Approve', payload: approve, signature: signPayload('Approve', approve, member.identity.secretKey) })),
      ),
    );
    expect(approvals.filter((reply) => reply.type !== 'receipt')).toEqual([]);
    expect(coordinator.ceremony('load').status().phase).toBe('FINALIZED');

    const deadline = Date.now() + 10_000;
    while (finalized.includes(false) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(finalized.filter((seen) => !seen)).toHaveLength(0);
    heap.push(process.memoryUsage().heapUsed);
    // Sampled once all are connected, after each phase and at the end.
    expect(Math.max(...heap)).toBeLessThan(HEAP_BOUND_BYTES);
    expect(Math.max(...heap) - (heap[0] as number)).toBeLessThan(HEAP_GROWTH_BOUND_BYTES);

    const artifact = JSON.parse(coordinator.ceremony('load').artifact() as string) as unknown;
    expect((await verifyArtifact(artifact)).ok).toBe(true);
    for (const client of [...observers, ...members]) client.close();
    await coordinator.close();
  }, 180_000);
});
