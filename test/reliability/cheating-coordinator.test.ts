/**
 * A cheating coordinator is caught (DESIGN.md §1 invariant 3). The test-only variant is a man in the
 * middle in front of a real coordinator: it shows one member (the victim) a doctored transcript or a
 * doctored published result. The victim's client replays and re-assembles on its own, refuses to
 * approve with an error that says what differs, and the ceremony ends ABORTED with no artifact.
 *
 * A real cheater re-chains what it doctors: member signatures cover payloads, not `seq` or `prevHash`
 * (test/helpers/rechain.ts), so dropping or reordering entries and renumbering them leaves a chain that
 * hashes correctly. Every doctor below but one does so, and the test checks that the chain it showed is
 * consistent, so that what catches the cheat is the check that should.
 *
 * Whatever the victim could be made to approve, the artifact a cheater would then publish does not
 * verify: the last part builds those artifacts, with real member signatures over what each member was
 * shown, sealed by the real coordinator key.
 *
 * It may also lie about what it accepted from the victim: a receipt that is not for the victim's
 * message, or a status that credits the victim with an entry it did not sign; the victim refuses.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startCoordinator } from '../../server/coordinator.js';
import { ConcordError } from '../../shared/errors.js';
import { replay, type CeremonyState } from '../../shared/ceremony/reducer.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { artifactSealMessage, buildArtifactBody, sealArtifact } from '../../shared/artifact/build.js';
import type { ArtifactBody } from '../../shared/artifact/schema.js';
import { verifyArtifact, type VerifyFailure } from '../../shared/artifact/verify.js';
import { transcriptEntrySchema, type Payload, type TranscriptEntry } from '../../shared/transcript/entry.js';
import { CeremonyRun, makeCeremony, makeKey, makeEntry, popBy, randomHash, type TestCeremony, type TestMember } from '../helpers/ceremony.js';
import { tempFolder } from '../helpers/temp.js';
import { startProxy, type Doctor, type Frame } from '../helpers/proxy.js';
import { connectMember } from '../helpers/ws-client.js';
import { frameFor } from '../helpers/scripted-members.js';
import { pathExists } from '../../client/io/files.js';
import { joinAs } from '../helpers/participants.js';
import { expectRejects } from '../helpers/errors.js';
import { headOf, indexesOf, rechain, throughLastReveal, withEditedContribution } from '../helpers/rechain.js';

type RevealEntry = Extract<TranscriptEntry, { kind: 'Reveal' }>;
const entriesSchema = z.array(transcriptEntrySchema);

/**
 * A doctor that rewrites every whole transcript the victim reads (not the single entry it reads back to
 * check a receipt) with `change`, and keeps what it showed in `shown`.
 */
function transcriptDoctor(change: (entries: TranscriptEntry[]) => TranscriptEntry[], shown: TranscriptEntry[][]): Doctor {
  return (frame) => {
    if (frame.type !== 'transcript' || frame.entries?.[0]?.seq !== 0) return frame;
    const doctored = change(entriesSchema.parse(frame.entries));
    shown.push(doctored);
    return { ...frame, entries: doctored };
  };
}

const revealOf = (entries: readonly TranscriptEntry[], member: string): number => {
  const index = entries.findIndex((entry) => entry.kind === 'Reveal' && entry.member === member);
  if (index < 0) throw new Error(`no Reveal by ${member}`);
  return index;
};

/** What the victim was shown, replayed: the chain must hold, so only the doctored content can be caught. */
type ShownCheck = (shown: TranscriptEntry[], ceremony: TestCeremony, published: Record<string, unknown>) => Promise<void>;

interface Cheat {
  name: string;
  doctor: (ceremony: TestCeremony, shown: TranscriptEntry[][]) => Doctor;
  /** What the victim's refusal says differs. */
  difference: RegExp;
  checkShown?: ShownCheck;
}

const chainHolds =
  (phase: CeremonyState['phase']): ShownCheck =>
  async (shown, ceremony) => {
    const state = await replay(ceremony.context, shown);
    expect(state.phase).toBe(phase);
  };

/** The chain holds up to the doctored Reveal, and the member's signature over the original is what fails. */
const forgedRevealCaught: ShownCheck = async (shown, ceremony) => {
  const owner = ceremony.members[0]?.identity.address ?? '';
  await expectRejects(replay(ceremony.context, shown), 'SIGNATURE_INVALID', `transcript[${revealOf(shown, owner)}].signature`);
};

const cheats: Cheat[] = [
  {
    name: 'drops another member’s reveal without re-chaining',
    doctor: (ceremony, shown) => transcriptDoctor((entries) => entries.filter((_, i) => i !== revealOf(entries, ceremony.members[0]?.identity.address ?? '')), shown),
    difference: /the transcript is invalid at transcript\[\d+\]\.(seq|prevHash): TRANSCRIPT_INVALID/,
  },
  {
    name: 'drops another member’s reveal and re-chains',
    doctor: (ceremony, shown) =>
      transcriptDoctor((entries) => {
        const kept = throughLastReveal(entries);
        const dropped = revealOf(kept, ceremony.members[0]?.identity.address ?? '');
        return rechain(kept.filter((_, i) => i !== dropped));
      }, shown),
    difference: /the transcript ends in phase REVEAL, not APPROVE/,
    checkShown: chainHolds('REVEAL'),
  },
  {
    name: 'reorders the reveals and re-chains',
    doctor: (_ceremony, shown) =>
      transcriptDoctor((entries) => {
        const kept = throughLastReveal(entries);
        const [a, b] = indexesOf(kept, 'Reveal') as [number, number];
        [kept[a], kept[b]] = [kept[b] as TranscriptEntry, kept[a] as TranscriptEntry];
        return rechain(kept);
      }, shown),
    difference: /transcriptHead differs: coordinator 0x[0-9a-f]{64}, computed 0x[0-9a-f]{64}/,
    checkShown: async (shown, ceremony, published) => {
      // The reordered chain replays to the same genesis: only the head every Approve signs differs.
      const state = await replay(ceremony.context, shown);
      expect(state.phase).toBe('APPROVE');
      expect(state.assembly?.hashes.genesisHash).toBe(published.genesisHash);
      expect(state.revealHead).toBe(headOf(shown));
      expect(state.revealHead).not.toBe(published.transcriptHead);
    },
  },
  {
    name: 'shows a different reveal set (another endpoint for another member’s node, its hash recomputed) and re-chains',
    doctor: (ceremony, shown) =>
      transcriptDoctor((entries) => {
        const kept = throughLastReveal(entries);
        const i = revealOf(kept, ceremony.members[0]?.identity.address ?? '');
        // The members' real endpoints are on 127.0.0.1, so this one always differs.
        kept[i] = withEditedContribution(kept[i] as RevealEntry, (contribution) => {
          (contribution.authorities[0] as { endpoint: string }).endpoint = '198.51.100.7:30303';
        });
        return rechain(kept);
      }, shown),
    difference: /the transcript is invalid at transcript\[\d+\]\.signature: SIGNATURE_INVALID/,
    checkShown: forgedRevealCaught,
  },
  {
    name: 'shows a different reveal set (the coordinator’s own key, with a valid proof of possession, as another member’s validator) and re-chains',
    doctor: (ceremony, shown) => {
      const intruder = makeKey();
      const owner = ceremony.members[0];
      if (owner === undefined) throw new Error('no member');
      return transcriptDoctor((entries) => {
        const kept = throughLastReveal(entries);
        const i = revealOf(kept, owner.identity.address);
        kept[i] = withEditedContribution(kept[i] as RevealEntry, (contribution) => {
          contribution.authorities[0] = { ...(contribution.authorities[0] as RevealEntry['payload']['contribution']['authorities'][number]), signer: intruder.address, signerPop: popBy(ceremony, owner, 'authority', 0, intruder) };
        });
        return rechain(kept);
      }, shown);
    },
    difference: /the transcript is invalid at transcript\[\d+\]\.signature: SIGNATURE_INVALID/,
    checkShown: forgedRevealCaught,
  },
  {
    name: 'publishes another genesis hash',
    doctor: () => (frame) =>
      frame.type === 'status' && frame.status?.assembly !== null && frame.status?.assembly !== undefined
        ? { ...frame, status: { ...frame.status, assembly: { ...(frame.status.assembly as object), genesisHash: randomHash() } } }
        : frame,
    difference: /genesisHash differs: coordinator 0x[0-9a-f]{64}, computed 0x[0-9a-f]{64}/,
  },
];

describe('a coordinator that shows one member something else', () => {
  it.each(cheats.map((cheat) => [cheat.name, cheat] as const))('when it %s, the member refuses to approve, the ceremony aborts and no artifact exists', async (_name, cheat) => {
    const ceremony = makeCeremony({ ceremonyId: 'cheat', layout: ['Honest A', 'Honest B', 'Victim'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 })) });
    const folder = await tempFolder('cheat');
    const coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    const shown: TranscriptEntry[][] = [];
    const proxy = await startProxy(coordinator.wsUrl, cheat.doctor(ceremony, shown));
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
    expect((victim.reason as ConcordError).expected).toMatch(cheat.difference);
    for (const honest of outcomes.slice(0, 2)) {
      expect(honest.status).toBe('rejected');
      expect(((honest as PromiseRejectedResult).reason as ConcordError).code).toBe('ABORTED');
    }
    expect(status.phase).toBe('ABORTED');
    expect(status.abort?.reason).toMatch(/^Victim refuses to approve: /);
    expect(artifact.status).toBe(404);
    if (cheat.checkShown !== undefined) {
      expect(shown).toHaveLength(1);
      await cheat.checkShown(shown[0] as TranscriptEntry[], ceremony, status.assembly as Record<string, unknown>);
    }
  });
});

describe('the artifact a cheating coordinator would publish', () => {
  /**
   * An honest ceremony up to APPROVE, the honest artifact it would end with, and a way to seal a
   * doctored body with the real coordinator key, so that only the doctoring can fail.
   */
  async function setting() {
    const ceremony = makeCeremony({ ceremonyId: 'cheat-artifact', layout: ['Honest A', 'Honest B', 'Victim'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 })) });
    const run = new CeremonyRun(ceremony);
    await run.advanceTo('APPROVE');
    const revealed = [...run.entries];
    const finished = run.fork();
    const honestBody = buildArtifactBody(ceremony.context, finished.entries, await finished.advanceTo('FINALIZED'));
    const [honestA, honestB, victim] = ceremony.members as [TestMember, TestMember, TestMember];
    const seal = (transcript: TranscriptEntry[]): unknown => {
      const body: ArtifactBody = { ...honestBody, transcript };
      return JSON.parse(JSON.stringify(sealArtifact(body, signTyped('Artifact', artifactSealMessage(body, ceremony.spec.ceremonyId), ceremony.coordinator.secretKey))));
    };
    /** What an honest client approves after checking `shown`: its head and the hashes assembled from it. */
    const approvalOf = async (shown: TranscriptEntry[]): Promise<Payload<'Approve'>> => {
      const state = await replay(ceremony.context, shown);
      const hashes = state.assembly?.hashes;
      if (state.revealHead === null || hashes === undefined) throw new Error('the shown transcript is not in APPROVE');
      return { ...run.ceremonyFields(), transcriptHead: state.revealHead, ...hashes };
    };
    /** `member`'s real Approve after checking `shown` (its position is left to `rechain`). */
    const approval = async (member: TestMember, shown: TranscriptEntry[]): Promise<TranscriptEntry> =>
      makeEntry('Approve', member.identity, await approvalOf(shown), { seq: 0, prevHash: randomHash() });
    return { ceremony, revealed, honestBody, honestA, honestB, victim, seal, approvalOf, approval };
  }

  const onlyFailure = async (artifact: unknown): Promise<VerifyFailure> => {
    const report = await verifyArtifact(artifact);
    expect(report.ok).toBe(false);
    expect(report.failures).toHaveLength(1);
    return report.failures[0] as VerifyFailure;
  };

  it('verifies when nobody cheats (the baseline the cheats are measured against)', async () => {
    const { honestBody, seal } = await setting();
    const report = await verifyArtifact(seal(honestBody.transcript));
    expect(report.failures).toEqual([]);
  });

  it('fails when the victim approved a reordered transcript: its Approve signs another head', async () => {
    const { revealed, honestA, honestB, victim, seal, approval } = await setting();
    const [a, b] = indexesOf(revealed, 'Reveal') as [number, number];
    const reordered = [...revealed];
    [reordered[a], reordered[b]] = [reordered[b] as TranscriptEntry, reordered[a] as TranscriptEntry];
    const shownToVictim = rechain(reordered);
    expect(headOf(shownToVictim)).not.toBe(headOf(revealed));
    const approvals = [await approval(honestA, revealed), await approval(honestB, revealed), await approval(victim, shownToVictim)];

    // Published with the real order: the victim's approval names a head that is not this transcript's.
    const real = rechain([...revealed, ...approvals]);
    expect(await onlyFailure(seal(real))).toEqual({
      check: 'transcript',
      path: `transcript[${real.length - 1}].payload.transcriptHead`,
      expected: `APPROVAL_MISMATCH: the transcript head after the last reveal (${headOf(revealed)})`,
    });
    // Published with the order the victim saw: now the honest members' approvals name the other head.
    const doctored = rechain([...shownToVictim, ...approvals]);
    expect(await onlyFailure(seal(doctored))).toEqual({
      check: 'transcript',
      path: `transcript[${revealed.length}].payload.transcriptHead`,
      expected: `APPROVAL_MISMATCH: the transcript head after the last reveal (${headOf(shownToVictim)})`,
    });
  });

  it('fails when a reveal was dropped from what the victim saw: no Approve fits a transcript still in REVEAL', async () => {
    const { revealed, honestA, honestB, victim, seal, approval } = await setting();
    const approvals = [await approval(honestA, revealed), await approval(honestB, revealed), await approval(victim, revealed)];
    const dropped = rechain([...revealed.filter((_, i) => i !== revealOf(revealed, honestA.identity.address)), ...approvals]);
    const failure = await onlyFailure(seal(dropped));
    expect(failure).toEqual({ check: 'transcript', path: `transcript[${revealed.length - 1}].kind`, expected: 'WRONG_PHASE: a message of phase REVEAL, not Approve' });
    // Without the approvals it ends before FINALIZED, and says so.
    const truncated = rechain(revealed.filter((_, i) => i !== revealOf(revealed, honestA.identity.address)));
    expect(await onlyFailure(seal(truncated))).toEqual({ check: 'transcript', path: 'artifact.transcript', expected: 'a transcript that ends FINALIZED (it ends REVEAL)' });
  });

  it('fails when a member’s reveal was replaced, even with its hash recomputed and the chain re-chained', async () => {
    const { ceremony, revealed, honestA, honestB, victim, seal, approval } = await setting();
    const i = revealOf(revealed, honestA.identity.address);
    const intruder = makeKey();
    const forged = [...revealed];
    forged[i] = withEditedContribution(revealed[i] as RevealEntry, (contribution) => {
      contribution.authorities[0] = { ...(contribution.authorities[0] as RevealEntry['payload']['contribution']['authorities'][number]), signer: intruder.address, signerPop: popBy(ceremony, honestA, 'authority', 0, intruder) };
    });
    const approvals = [await approval(honestA, revealed), await approval(honestB, revealed), await approval(victim, revealed)];
    expect(await onlyFailure(seal(rechain([...forged, ...approvals])))).toEqual({
      check: 'transcript',
      path: `transcript[${i}].signature`,
      expected: `SIGNATURE_INVALID: an EIP-712 Reveal signature by ${honestA.identity.address}`,
    });
  });

  it('needs every member’s signature: an approval the coordinator signs for the victim fails', async () => {
    const { ceremony, revealed, honestA, honestB, victim, seal, approval, approvalOf } = await setting();
    const forgedApproval = makeEntry('Approve', victim.identity, await approvalOf(revealed), { seq: 0, prevHash: randomHash() }, ceremony.coordinator);
    const transcript = rechain([...revealed, await approval(honestA, revealed), await approval(honestB, revealed), forgedApproval]);
    expect(await onlyFailure(seal(transcript))).toEqual({
      check: 'transcript',
      path: `transcript[${transcript.length - 1}].signature`,
      expected: `SIGNATURE_INVALID: an EIP-712 Approve signature by ${victim.identity.address}`,
    });
  });
});

/** Shows `victim` as having accepted the spec in the status a frame carries (welcome or status). */
const claimingSent =
  (victim: string) =>
  (frame: Frame): Frame => {
    if (frame.status === undefined) return frame;
    const members = (frame.status.members as Record<string, unknown>[]).map((member) => (member.identity === victim ? { ...member, accepted: true } : member));
    return { ...frame, status: { ...frame.status, members } };
  };

describe('a coordinator that misreports what it accepted from a member', () => {
  /** Runs only the victim's client, through `doctor`, after `before` (other members' messages); resolves with its error. */
  async function victimError(ceremonyId: string, before: (wsUrl: string, ceremony: TestCeremony) => Promise<void>, doctor: (ceremony: TestCeremony, victim: string) => Doctor): Promise<{ error: ConcordError; folder: string }> {
    const ceremony = makeCeremony({ ceremonyId, layout: ['Other', 'Victim'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 0 })) });
    const victim = ceremony.members[1] as TestMember;
    const folder = await tempFolder(ceremonyId);
    const coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    const proxy = await startProxy(coordinator.wsUrl, doctor(ceremony, victim.identity.address));
    try {
      await before(coordinator.wsUrl, ceremony);
      const outcome = await joinAs({ wsUrl: proxy.url, ceremony, member: victim, folder: join(folder, 'Victim'), endpoints: ['127.0.0.1:33100'] }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(ConcordError);
      return { error: outcome as ConcordError, folder: join(folder, 'Victim') };
    } finally {
      await proxy.close();
      await coordinator.close();
    }
  }

  const nothingBefore = async (): Promise<void> => undefined;

  type ReceiptValues = { ceremonyId: string; seq: number; entryHash: string };
  it.each<[string, (receipt: ReceiptValues) => ReceiptValues]>([
    ['the hash of no entry', (receipt) => ({ ...receipt, entryHash: randomHash() })],
    ['the seq of another entry', (receipt) => ({ ...receipt, seq: receipt.seq + 1 })],
  ])('signs a receipt with %s: the member refuses it and keeps no receipt', async (_name, change) => {
    const { error, folder } = await victimError('bad-receipt', nothingBefore, (ceremony) => (frame) => {
      if (frame.type !== 'receipt' || frame.receipt === undefined) return frame;
      const { ceremonyId, seq, entryHash } = change(frame.receipt as ReceiptValues);
      const values = { ceremonyId, seq, entryHash };
      return { ...frame, receipt: { ...values, signature: signTyped('Receipt', values, ceremony.coordinator.secretKey) } };
    });
    expect(error.code).toBe('SIGNATURE_INVALID');
    expect(error.path).toBe('receipt.entryHash');
    expect(await pathExists(join(folder, 'receipts.json'))).toBe(false);
  });

  it('says the member’s message was accepted while its transcript holds none: the member says so', async () => {
    const { error } = await victimError('claimed-accept', nothingBefore, (_ceremony, victim) => claimingSent(victim));
    expect(error.code).toBe('TRANSCRIPT_INVALID');
    expect(error.expected).toMatch(/^the Accept entry of 0x[0-9a-fA-F]{40}, which the coordinator's status says it accepted$/);
  });

  it('attributes to the member an entry another member signed: the member refuses it', async () => {
    const otherAccepts = async (wsUrl: string, ceremony: TestCeremony): Promise<void> => {
      const other = ceremony.members[0] as TestMember;
      const client = await connectMember(wsUrl, ceremony.spec.ceremonyId, other.identity);
      expect((await client.send(await frameFor(ceremony, other, 'Accept', client))).type).toBe('receipt');
      client.close();
    };
    const { error } = await victimError('forged-accept', otherAccepts, (ceremony, victim) => (frame) => {
      if (frame.type !== 'transcript' || frame.entries === undefined) return claimingSent(victim)(frame);
      const other = (ceremony.members[0] as TestMember).identity.address;
      return { ...frame, entries: frame.entries.map((entry) => (entry.member === other ? { ...entry, member: victim } : entry)) };
    });
    expect(error.code).toBe('SIGNATURE_INVALID');
    expect(error.path).toBe('transcript[0].signature');
  });
});
