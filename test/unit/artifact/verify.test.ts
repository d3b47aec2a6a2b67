/**
 * `verifyArtifact` on a real finalized ceremony (driven through the reducer with real signatures), and
 * on copies tampered in each signed field: each must fail, naming the field and the check. A tampered
 * transcript entry is re-chained (test/helpers/rechain.ts) and the body re-signed with the real
 * coordinator key, as a cheating coordinator would, so that only the check on the tampered field can fail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { signTyped } from '../../../shared/eip712/sign.js';
import { artifactSealMessage, buildArtifactBody, sealArtifact } from '../../../shared/artifact/build.js';
import type { GenesisArtifact } from '../../../shared/artifact/schema.js';
import { verifyArtifact } from '../../../shared/artifact/verify.js';
import { hashCanonical } from '../../../shared/hash/keccak.js';
import { commitmentOf } from '../../../shared/ceremony/contribution.js';
import type { EntryKind, Payload, TranscriptEntry } from '../../../shared/transcript/entry.js';
import { CeremonyRun, makeCeremony, makeKey, popBy, randomHash, signPayload, type TestCeremony, type TestMember } from '../../helpers/ceremony.js';
import { rechain } from '../../helpers/rechain.js';

type Json = Record<string, unknown>;

describe('verifyArtifact', () => {
  let ceremony: TestCeremony;
  let artifact: GenesisArtifact;
  const copy = (): Json => JSON.parse(JSON.stringify(artifact)) as Json;
  /** Re-signs a tampered body with the real coordinator key, so only the tampering itself can fail. */
  let reseal: (body: Json) => Json;

  beforeAll(async () => {
    ceremony = makeCeremony({ ceremonyId: 'verify-test' });
    const run = new CeremonyRun(ceremony);
    const state = await run.advanceTo('FINALIZED');
    const body = buildArtifactBody(ceremony.context, run.entries, state);
    artifact = sealArtifact(body, signTyped('Artifact', artifactSealMessage(body, ceremony.spec.ceremonyId), ceremony.coordinator.secretKey));
    reseal = (tampered) => {
      const { coordinatorSignature: _old, ...rest } = tampered;
      const sealed = rest as unknown as Parameters<typeof artifactSealMessage>[0];
      return { ...rest, coordinatorSignature: signTyped('Artifact', artifactSealMessage(sealed, ceremony.spec.ceremonyId), ceremony.coordinator.secretKey) };
    };
  });

  it('accepts the artifact of a finalized ceremony', async () => {
    const report = await verifyArtifact(copy());
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it.each<[string, (artifact: Json) => void, string, string]>([
    ['a validator', (a) => ((a.validators as string[])[0] = makeKey().address), 'artifact.validators', 'assembly'],
    ['the validator order', (a) => (a.validators as string[]).reverse(), 'artifact.validators', 'assembly'],
    ['the genesis hash', (a) => (a.genesisHash = randomHash()), 'artifact.genesisHash', 'assembly'],
    ['the chain name in the chain spec', (a) => ((a.chainSpec as Json).name = 'Elsewhere'), 'artifact.chainSpec', 'assembly'],
    ['the bridge threshold', (a) => ((a.bridge as Json).requiredSignatures = 1), 'artifact.bridge', 'assembly'],
    ['a bridge validator', (a) => (((a.bridge as Json).validators as string[])[0] = makeKey().address), 'artifact.bridge', 'assembly'],
    ['the bridge validator order', (a) => ((a.bridge as Json).validators as string[]).reverse(), 'artifact.bridge', 'assembly'],
    ['an enode', (a) => ((a.enodes as string[])[0] = String((a.enodes as string[])[0]).replace('@10.', '@11.')), 'artifact.enodes', 'assembly'],
    ['the transcript head', (a) => (a.transcriptHead = randomHash()), 'artifact.transcriptHead', 'assembly'],
    ['a manifest digest', (a) => (((a.publicManifest as Json).files as Json[])[0] as Json).sha256 = 'ab'.repeat(32), 'artifact.publicManifest', 'assembly'],
    ['a hash the members approved', (a) => ((a.hashes as Json).manifestHash = randomHash()), 'artifact.hashes', 'assembly'],
    ['the spec hash alone', (a) => (a.specHash = randomHash()), 'artifact.specHash', 'spec hash'],
  ])('fails, naming the field, when %s is changed (even re-signed by the coordinator)', async (_name, tamper, path, check) => {
    const tampered = copy();
    tamper(tampered);
    expect(tampered).not.toEqual(copy());
    const unsigned = await verifyArtifact(tampered);
    expect(unsigned.ok).toBe(false);
    expect(unsigned.failures.map((f) => f.path)).toContain(path);
    expect(unsigned.failures.map((f) => f.path)).toContain('artifact.coordinatorSignature');
    const resealed = await verifyArtifact(reseal(tampered));
    expect(resealed.ok).toBe(false);
    expect(resealed.failures.map((f) => [f.check, f.path])).toEqual([[check, path]]);
  });

  it('fails on another format tag, before anything else (even re-signed by the coordinator)', async () => {
    const tampered = copy();
    tampered.format = 'concord/genesis-artifact@2';
    for (const candidate of [tampered, reseal(tampered)]) {
      const report = await verifyArtifact(candidate);
      expect(report.ok).toBe(false);
      expect(report.artifact).toBeNull();
      expect(report.failures).toEqual([{ check: 'artifact format', path: 'artifact.format', expected: expect.stringMatching(/^ARTIFACT_INVALID: /) }]);
    }
  });

  describe('a tampered transcript entry, re-chained and re-signed by the coordinator', () => {
    type Entry = Json & { kind: EntryKind; member: string; payload: Json; signature: string };
    /** The first entry of `kind` by the first member (Alpha: two authority nodes, one bridge validator). */
    const entryIndex = (entries: Entry[], kind: EntryKind): number => entries.findIndex((entry) => entry.kind === kind && entry.member === ceremony.members[0]?.identity.address);
    const alpha = (): TestMember => ceremony.members[0] as TestMember;
    const contribution = (entry: Entry): Payload<'Reveal'>['contribution'] => (entry.payload as unknown as Payload<'Reveal'>).contribution;
    const authority = (entry: Entry, i: number): Payload<'Reveal'>['contribution']['authorities'][number] => contribution(entry).authorities[i] as Payload<'Reveal'>['contribution']['authorities'][number];
    const bridgeValidator = (entry: Entry): Payload<'Reveal'>['contribution']['bridgeValidators'][number] => contribution(entry).bridgeValidators[0] as Payload<'Reveal'>['contribution']['bridgeValidators'][number];
    /** Signs `entry`'s payload again with `secretKey`, as the member (or whoever holds that key) would. */
    const resign = (entry: Entry, secretKey: Uint8Array): void => {
      entry.signature = signPayload(entry.kind, entry.payload as unknown as Payload<EntryKind>, secretKey);
    };
    /** Tampers entry `index` of a copy with `tamper`, re-chains the transcript, and verifies it unsigned and resealed. */
    const verifyTampered = async (tamper: (entries: Entry[]) => number) => {
      const tampered = copy();
      const entries = tampered.transcript as Entry[];
      const before = JSON.stringify(entries);
      const index = tamper(entries);
      expect(JSON.stringify(entries)).not.toBe(before);
      tampered.transcript = rechain(entries as unknown as TranscriptEntry[]);
      return { index, unsigned: await verifyArtifact(tampered), resealed: await verifyArtifact(reseal(tampered)) };
    };

    it.each<[string, EntryKind, (entry: Entry) => void, string, string]>([
      ['an Accept’s spec hash', 'Accept', (e) => (e.payload.specHash = randomHash()), 'payload.specHash', 'WRONG_CEREMONY'],
      ['an Accept’s ceremony id', 'Accept', (e) => (e.payload.ceremonyId = 'another-ceremony'), 'payload.ceremonyId', 'WRONG_CEREMONY'],
      ['an Accept’s signature (another key’s, over the same Accept)', 'Accept', (e) => resign(e, makeKey().secretKey), 'signature', 'SIGNATURE_INVALID'],
      ['an Accept’s member (another member, the signature left as it was)', 'Accept', (e) => (e.member = ceremony.members[1]?.identity.address as string), 'signature', 'SIGNATURE_INVALID'],
      ['a commitment', 'Commit', (e) => (e.payload.commitment = randomHash()), 'signature', 'SIGNATURE_INVALID'],
      ['a reveal’s salt', 'Reveal', (e) => (e.payload.salt = randomHash()), 'signature', 'SIGNATURE_INVALID'],
      ['a revealed authority signer', 'Reveal', (e) => (authority(e, 1).signer = makeKey().address), 'payload.contributionHash', 'MESSAGE_INVALID'],
      ['a revealed node public key', 'Reveal', (e) => (authority(e, 0).nodePublicKey = makeKey().publicKey), 'payload.contributionHash', 'MESSAGE_INVALID'],
      // The test ceremony's endpoints are all in 10.0.0.0/16, so this one always differs.
      ['a revealed endpoint', 'Reveal', (e) => (authority(e, 0).endpoint = '198.51.100.7:30303'), 'payload.contributionHash', 'MESSAGE_INVALID'],
      ['a revealed bridge validator', 'Reveal', (e) => (bridgeValidator(e).address = makeKey().address), 'payload.contributionHash', 'MESSAGE_INVALID'],
      ['an authority’s proof of possession (by another key)', 'Reveal', (e) => (authority(e, 0).signerPop = popBy(ceremony, alpha(), 'authority', 0, makeKey())), 'payload.contributionHash', 'MESSAGE_INVALID'],
      ['a node key’s proof of possession (by another key)', 'Reveal', (e) => (authority(e, 1).nodePop = popBy(ceremony, alpha(), 'node', 1, makeKey())), 'payload.contributionHash', 'MESSAGE_INVALID'],
      ['a bridge validator’s proof of possession (by another key)', 'Reveal', (e) => (bridgeValidator(e).pop = popBy(ceremony, alpha(), 'bridge', 0, makeKey())), 'payload.contributionHash', 'MESSAGE_INVALID'],
      [
        'a revealed endpoint (its contribution hash recomputed)',
        'Reveal',
        (e) => {
          authority(e, 0).endpoint = '198.51.100.7:30303';
          e.payload.contributionHash = hashCanonical(contribution(e));
        },
        'signature',
        'SIGNATURE_INVALID',
      ],
      ['an Approve’s genesis hash', 'Approve', (e) => (e.payload.genesisHash = randomHash()), 'signature', 'SIGNATURE_INVALID'],
      ['an Approve’s transcript head', 'Approve', (e) => (e.payload.transcriptHead = randomHash()), 'signature', 'SIGNATURE_INVALID'],
    ])('fails, naming the entry and the check, when %s is changed', async (_name, kind, tamper, field, code) => {
      const { index, unsigned, resealed } = await verifyTampered((entries) => {
        const index = entryIndex(entries, kind);
        tamper(entries[index] as Entry);
        return index;
      });
      const path = `transcript[${index}].${field}`;
      expect(unsigned.failures.map((f) => [f.check, f.path])).toEqual([
        ['transcript', path],
        ['coordinator signature', 'artifact.coordinatorSignature'],
      ]);
      expect(resealed.ok).toBe(false);
      expect(resealed.failures).toEqual([{ check: 'transcript', path, expected: expect.stringMatching(new RegExp(`^${code}: `)) }]);
    });

    it('fails on a commitment its member re-signed: the reveal no longer opens it', async () => {
      const { index, resealed } = await verifyTampered((entries) => {
        const commit = entries[entryIndex(entries, 'Commit')] as Entry;
        commit.payload.commitment = randomHash();
        resign(commit, alpha().identity.secretKey);
        return entryIndex(entries, 'Reveal');
      });
      expect(resealed.failures).toEqual([{ check: 'transcript', path: `transcript[${index}].payload.salt`, expected: expect.stringMatching(/^COMMITMENT_MISMATCH: /) }]);
    });

    it('fails on a proof of possession by another key even when its member re-committed and re-signed the reveal', async () => {
      const { index, resealed } = await verifyTampered((entries) => {
        const commit = entries[entryIndex(entries, 'Commit')] as Entry;
        const reveal = entries[entryIndex(entries, 'Reveal')] as Entry;
        authority(reveal, 1).signerPop = popBy(ceremony, alpha(), 'authority', 1, makeKey());
        reveal.payload.contributionHash = hashCanonical(contribution(reveal));
        commit.payload.commitment = commitmentOf(contribution(reveal), reveal.payload.salt as string);
        resign(commit, alpha().identity.secretKey);
        resign(reveal, alpha().identity.secretKey);
        return entryIndex(entries, 'Reveal');
      });
      expect(resealed.failures).toEqual([
        { check: 'transcript', path: `transcript[${index}].payload.contribution.authorities[1].signerPop`, expected: expect.stringMatching(/^POP_INVALID: a signature by 0x[0-9a-fA-F]{40} over ProofOfPossession/) },
      ]);
    });

    it('fails on an Approve its member re-signed over another genesis hash', async () => {
      const { index, resealed } = await verifyTampered((entries) => {
        const index = entryIndex(entries, 'Approve');
        const approve = entries[index] as Entry;
        approve.payload.genesisHash = randomHash();
        resign(approve, alpha().identity.secretKey);
        return index;
      });
      expect(resealed.failures).toEqual([{ check: 'transcript', path: `transcript[${index}].payload.genesisHash`, expected: expect.stringMatching(/^APPROVAL_MISMATCH: /) }]);
    });
  });

  it('fails on a changed approval signature, naming the transcript entry', async () => {
    const tampered = copy();
    const entries = tampered.transcript as Json[];
    const approve = entries.findIndex((entry) => entry.kind === 'Approve');
    (entries[approve] as Json).signature = `0x${'11'.repeat(64)}1b`;
    const report = await verifyArtifact(reseal(tampered));
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toMatchObject({ check: 'transcript', path: `transcript[${approve}].signature` });
  });

  it('fails on a transcript with an approval left out', async () => {
    const tampered = copy();
    (tampered.transcript as Json[]).pop();
    const report = await verifyArtifact(reseal(tampered));
    expect(report.failures[0]).toMatchObject({ check: 'transcript', path: 'artifact.transcript' });
    expect(report.failures[0]?.expected).toContain('ends APPROVE');
  });

  it('fails on a changed spec, naming the spec hash', async () => {
    const tampered = copy();
    ((tampered.spec as Json).governance as Json).threshold = 1;
    const report = await verifyArtifact(reseal(tampered));
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toMatchObject({ check: 'spec hash', path: 'artifact.specHash' });
  });

  it('fails on a coordinator signature by another key', async () => {
    const tampered = copy();
    const { coordinatorSignature: _old, ...body } = tampered;
    const forged = signTyped('Artifact', artifactSealMessage(body as unknown as Parameters<typeof artifactSealMessage>[0], 'verify-test'), makeKey().secretKey);
    const report = await verifyArtifact({ ...body, coordinatorSignature: forged });
    expect(report.failures).toEqual([{ check: 'coordinator signature', path: 'artifact.coordinatorSignature', expected: expect.stringContaining('a signature by the coordinator') }]);
  });

  it('reports a malformed file as an artifact format failure', async () => {
    const report = await verifyArtifact({ format: 'something else' });
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toMatchObject({ check: 'artifact format', path: 'artifact.format' });
  });
});
