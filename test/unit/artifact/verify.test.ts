/**
 * `verifyArtifact` on a real finalized ceremony (driven through the reducer with real signatures), and
 * on copies tampered in each signed field: each must fail, naming the field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { signTyped } from '../../../shared/eip712/sign.js';
import { artifactSealMessage, buildArtifactBody, sealArtifact } from '../../../shared/artifact/build.js';
import type { GenesisArtifact } from '../../../shared/artifact/schema.js';
import { verifyArtifact } from '../../../shared/artifact/verify.js';
import { CeremonyRun, makeCeremony, makeKey, randomHash } from '../../helpers/ceremony.js';

type Json = Record<string, unknown>;

describe('verifyArtifact', () => {
  let artifact: GenesisArtifact;
  const copy = (): Json => JSON.parse(JSON.stringify(artifact)) as Json;
  /** Re-signs a tampered body with the real coordinator key, so only the tampering itself can fail. */
  let reseal: (body: Json) => Json;

  beforeAll(async () => {
    const ceremony = makeCeremony({ ceremonyId: 'verify-test' });
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

  it.each<[string, (artifact: Json) => void, string]>([
    ['a validator', (a) => ((a.validators as string[])[0] = makeKey().address), 'artifact.validators'],
    ['the validator order', (a) => (a.validators as string[]).reverse(), 'artifact.validators'],
    ['the genesis hash', (a) => (a.genesisHash = randomHash()), 'artifact.genesisHash'],
    ['the chain name in the chain spec', (a) => ((a.chainSpec as Json).name = 'Elsewhere'), 'artifact.chainSpec'],
    ['the bridge threshold', (a) => ((a.bridge as Json).requiredSignatures = 1), 'artifact.bridge'],
    ['an enode', (a) => ((a.enodes as string[])[0] = String((a.enodes as string[])[0]).replace('@10.', '@11.')), 'artifact.enodes'],
    ['the transcript head', (a) => (a.transcriptHead = randomHash()), 'artifact.transcriptHead'],
    ['a manifest digest', (a) => (((a.publicManifest as Json).files as Json[])[0] as Json).sha256 = 'ab'.repeat(32), 'artifact.publicManifest'],
    ['a hash the members approved', (a) => ((a.hashes as Json).manifestHash = randomHash()), 'artifact.hashes'],
  ])('fails, naming the field, when %s is changed (even re-signed by the coordinator)', async (_name, tamper, path) => {
    const tampered = copy();
    tamper(tampered);
    const unsigned = await verifyArtifact(tampered);
    expect(unsigned.ok).toBe(false);
    expect(unsigned.failures.map((f) => f.path)).toContain(path);
    expect(unsigned.failures.map((f) => f.path)).toContain('artifact.coordinatorSignature');
    const resealed = await verifyArtifact(reseal(tampered));
    expect(resealed.ok).toBe(false);
    expect(resealed.failures.map((f) => f.path)).toEqual([path]);
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
