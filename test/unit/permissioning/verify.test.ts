/**
 * `verifyArtifact` re-derives the permission contract's genesis account and params from the spec and
 * the reveals: a finalized permissioned ceremony verifies, and a copy with its code, a storage slot or
 * a param tampered fails, naming that field, even when the coordinator re-signs the copy.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { signTyped } from '../../../shared/eip712/sign.js';
import { artifactSealMessage, buildArtifactBody, sealArtifact } from '../../../shared/artifact/build.js';
import type { GenesisArtifact } from '../../../shared/artifact/schema.js';
import { verifyArtifact } from '../../../shared/artifact/verify.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../../../shared/permissioning/account.js';
import { CeremonyRun } from '../../helpers/ceremony.js';
import { makePermissionedCeremony } from './fixture.js';

type Json = Record<string, any>; // a tampered copy, edited freely

const ACCOUNT = `artifact.chainSpec.accounts.${PERMISSION_CONTRACT_ADDRESS}`;

describe('verifyArtifact with a permission contract', () => {
  let artifact: GenesisArtifact;
  let reseal: (body: Json) => Json;
  const copy = (): Json => JSON.parse(JSON.stringify(artifact)) as Json;
  const contract = (a: Json): Json => a.chainSpec.accounts[PERMISSION_CONTRACT_ADDRESS] as Json;
  const firstSlot = (a: Json): string => Object.keys(contract(a).storage as Json)[0] as string;

  beforeAll(async () => {
    const { ceremony } = await makePermissionedCeremony();
    const run = new CeremonyRun(ceremony);
    const state = await run.advanceTo('FINALIZED');
    const body = buildArtifactBody(ceremony.context, run.entries, state);
    const seal = (b: Parameters<typeof artifactSealMessage>[0]): string => signTyped('Artifact', artifactSealMessage(b, ceremony.spec.ceremonyId), ceremony.coordinator.secretKey);
    artifact = sealArtifact(body, seal(body));
    reseal = (tampered) => {
      const { coordinatorSignature: _old, ...rest } = tampered;
      return { ...rest, coordinatorSignature: seal(rest as unknown as Parameters<typeof artifactSealMessage>[0]) };
    };
  });

  it('accepts the artifact of a finalized permissioned ceremony', async () => {
    expect(contract(copy()).code).toMatch(/^0x[0-9a-f]+$/);
    const report = await verifyArtifact(copy());
    expect(report.failures).toEqual([]);
  });

  // The path is read from an untouched copy: the slot a test removes is no longer in the tampered one.
  it.each<[string, (a: Json) => void, (original: Json) => string]>([
    ['a byte of the code', (a) => (contract(a).code = `${String(contract(a).code).slice(0, -2)}00`), () => `${ACCOUNT}.code`],
    ['a storage value', (a) => (contract(a).storage[firstSlot(a)] = `0x${'00'.repeat(31)}07`), (a) => `${ACCOUNT}.storage.${firstSlot(a)}`],
    ['an added storage slot', (a) => (contract(a).storage[`0x${'ee'.repeat(32)}`] = `0x${'00'.repeat(31)}01`), () => `${ACCOUNT}.storage.0x${'ee'.repeat(32)}`],
    ['a removed storage slot', (a) => delete contract(a).storage[firstSlot(a)], (a) => `${ACCOUNT}.storage.${firstSlot(a)}`],
    ['the nonce', (a) => (contract(a).nonce = '0x0'), () => `${ACCOUNT}.nonce`],
    ['the transition', (a) => (a.chainSpec.params.transactionPermissionContractTransition = '0x1'), () => 'artifact.chainSpec.params.transactionPermissionContractTransition'],
    ['the contract address param', (a) => (a.chainSpec.params.transactionPermissionContract = `0x${'00'.repeat(19)}01`), () => 'artifact.chainSpec.params.transactionPermissionContract'],
  ])('fails on a changed %s, naming the field (even re-signed by the coordinator)', async (_name, tamper, pathIn) => {
    const tampered = copy();
    tamper(tampered);
    const report = await verifyArtifact(reseal(tampered));
    expect(report.ok).toBe(false);
    expect(report.failures.map((failure) => failure.path)).toEqual(['artifact.chainSpec', pathIn(copy())]);
    expect(report.failures[1]?.check).toBe('permission contract');
  });
});

