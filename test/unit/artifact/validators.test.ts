/**
 * Validator-set contracts after genesis (issue 3 item 4), end to end: the ceremony spec's
 * `chain.validatorTransitions` and what it refuses, the `validators.multi` a real ceremony assembles
 * from it, and `verifyArtifact` failing, naming the chain spec, on an artifact whose transitions were
 * tampered with, even re-signed by the coordinator. Built like test/unit/artifact/verify.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { signTyped } from '../../../shared/eip712/sign.js';
import { artifactSealMessage, buildArtifactBody, sealArtifact } from '../../../shared/artifact/build.js';
import type { GenesisArtifact } from '../../../shared/artifact/schema.js';
import { verifyArtifact } from '../../../shared/artifact/verify.js';
import { checkChainSpec } from '../../../shared/chainspec/strict.js';
import { parseSpec } from '../../../shared/spec/parse.js';
import { CeremonyRun, DEFAULT_LAYOUT, endpointOf, makeCeremony, makeKey, specJson, type TestCeremony } from '../../helpers/ceremony.js';
import { expectThrows } from '../../helpers/errors.js';

type Json = Record<string, any>; // raw JSON that the tables edit freely

// The addresses of private keys 6 and 7.
const SAFE_CONTRACT = '0xE57bFE9F44b819898F47BF37E5AF72a0783e1141';
const REPORTING_CONTRACT = '0xd41c057fd1c78805AAC12B0A94a405c0461A6FBb';
const TRANSITIONS = [
  { fromBlock: 1000, kind: 'safeContract', address: SAFE_CONTRACT },
  { fromBlock: 250_000, kind: 'contract', address: REPORTING_CONTRACT },
];

/** A raw ceremony spec for the default members, its chain changed by `edit`. */
function specWith(edit: (chain: Json) => void): Json {
  const members = DEFAULT_LAYOUT.map((layout, m) => ({
    layout,
    identity: makeKey().address,
    endpoints: Array.from({ length: layout.authorityNodes }, (_, i) => endpointOf(m, i)),
  }));
  const json = specJson('transitions-test', makeKey().address, members) as Json;
  edit(json.chain as Json);
  return json;
}

/** makeCeremony (test/helpers/ceremony.ts) with `chain.validatorTransitions` in the spec. */
function makeCeremonyWithTransitions(transitions: readonly Json[]): TestCeremony {
  return makeCeremony({ ceremonyId: 'validators-test', editSpec: (json) => ((json.chain as Json).validatorTransitions = transitions) });
}

describe('ceremony spec: chain.validatorTransitions', () => {
  it('is optional, and absent from a spec parsed without it (so that spec keeps its hash)', () => {
    const without = parseSpec(specWith(() => undefined));
    expect(without.chain.validatorTransitions).toBeUndefined();
    expect(Object.keys(without.chain)).not.toContain('validatorTransitions');
  });

  it('parses transitions, with contract addresses normalized to EIP-55', () => {
    const spec = parseSpec(specWith((chain) => (chain.validatorTransitions = TRANSITIONS.map((t) => ({ ...t, address: t.address.toLowerCase() })))));
    expect(spec.chain.validatorTransitions).toEqual(TRANSITIONS);
  });

  it.each<[string, (chain: Json) => void, string]>([
    ['a transition at block 0', (c) => (c.validatorTransitions = [{ ...TRANSITIONS[0], fromBlock: 0 }]), 'spec.chain.validatorTransitions[0].fromBlock'],
    ['a block as a string', (c) => (c.validatorTransitions = [{ ...TRANSITIONS[0], fromBlock: '1000' }]), 'spec.chain.validatorTransitions[0].fromBlock'],
    ['a fractional block', (c) => (c.validatorTransitions = [{ ...TRANSITIONS[0], fromBlock: 1.5 }]), 'spec.chain.validatorTransitions[0].fromBlock'],
    ['two transitions at one block', (c) => (c.validatorTransitions = [TRANSITIONS[0], { ...TRANSITIONS[1], fromBlock: 1000 }]), 'spec.chain.validatorTransitions[1].fromBlock'],
    ['transitions out of order', (c) => (c.validatorTransitions = [TRANSITIONS[1], TRANSITIONS[0]]), 'spec.chain.validatorTransitions[1].fromBlock'],
    ['a list as a transition', (c) => (c.validatorTransitions = [{ ...TRANSITIONS[0], kind: 'list' }]), 'spec.chain.validatorTransitions[0].kind'],
    ['a multi as a transition', (c) => (c.validatorTransitions = [{ ...TRANSITIONS[0], kind: 'multi' }]), 'spec.chain.validatorTransitions[0].kind'],
    ['a contract with a bad checksum', (c) => (c.validatorTransitions = [{ ...TRANSITIONS[0], address: SAFE_CONTRACT.replace('0xE', '0xe') }]), 'spec.chain.validatorTransitions[0].address'],
    ['a contract of 19 bytes', (c) => (c.validatorTransitions = [{ ...TRANSITIONS[0], address: SAFE_CONTRACT.slice(0, 40) }]), 'spec.chain.validatorTransitions[0].address'],
    ['an unknown transition field', (c) => (c.validatorTransitions = [{ ...TRANSITIONS[0], toBlock: 2000 }]), 'spec.chain.validatorTransitions[0]'],
    ['no transition kind', (c) => (c.validatorTransitions = [{ fromBlock: 1000, address: SAFE_CONTRACT }]), 'spec.chain.validatorTransitions[0].kind'],
    ['an empty transition list (leave it out instead)', (c) => (c.validatorTransitions = []), 'spec.chain.validatorTransitions'],
    ['transitions that are not a list', (c) => (c.validatorTransitions = { 1000: SAFE_CONTRACT }), 'spec.chain.validatorTransitions'],
    // The other bad inputs of issue 3 that reach the chain through the ceremony spec.
    ['a constructor on a prefunded account', (c) => (c.accounts[0].constructor = '0x6000'), 'spec.chain.accounts[0]'],
    ['code on a prefunded account', (c) => (c.accounts[0].code = '0x6000'), 'spec.chain.accounts[0]'],
  ])('refuses %s', (_name, edit, path) => {
    expectThrows(() => parseSpec(specWith(edit)), 'SPEC_INVALID', path);
  });

  it('says which earlier transition a block must follow', () => {
    const error = expectThrows(() => parseSpec(specWith((c) => (c.validatorTransitions = [TRANSITIONS[1], TRANSITIONS[0]]))), 'SPEC_INVALID', 'spec.chain.validatorTransitions[1].fromBlock');
    expect(error.message).toBe('SPEC_INVALID at spec.chain.validatorTransitions[1].fromBlock: expected a block after validatorTransitions[0].fromBlock');
  });
});

describe('a ceremony with validator-set contracts after genesis', () => {
  let artifact: GenesisArtifact;
  const copy = (): Json => JSON.parse(JSON.stringify(artifact)) as Json;
  const multiOf = (a: Json): Json => a.chainSpec.engine.authorityRound.params.validators.multi as Json;
  /** Re-signs a tampered body with the real coordinator key, so only the tampering itself can fail. */
  let reseal: (body: Json) => Json;

  beforeAll(async () => {
    const ceremony = makeCeremonyWithTransitions(TRANSITIONS);
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

  it('assembles the validator list from block 0 and each contract from its block, and verifies', async () => {
    expect(multiOf(copy())).toEqual({
      '0': { list: artifact.validators },
      '1000': { safeContract: SAFE_CONTRACT },
      '250000': { contract: REPORTING_CONTRACT },
    });
    expect(checkChainSpec(artifact.chainSpec, ['openethereum', 'nethermind']).problems).toEqual([]);
    const report = await verifyArtifact(copy());
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it.each<[string, (multi: Json) => void]>([
    ['a transition moved to another block', (m) => ((m['1001'] = m['1000']), delete m['1000'])],
    ['a safe contract made reporting', (m) => (m['1000'] = { contract: SAFE_CONTRACT })],
    ['a reporting contract made safe', (m) => (m['250000'] = { safeContract: REPORTING_CONTRACT })],
    ['another contract', (m) => (m['250000'] = { contract: makeKey().address })],
    ['a transition dropped', (m) => delete m['250000']],
    ['a transition added', (m) => (m['500000'] = { safeContract: makeKey().address })],
    ['a validator added to the genesis list', (m) => (m['0'].list as string[]).push(makeKey().address)],
  ])('fails, naming the chain spec, when %s (even re-signed by the coordinator)', async (_name, tamper) => {
    const tampered = copy();
    tamper(multiOf(tampered));
    const unsigned = await verifyArtifact(tampered);
    expect(unsigned.ok).toBe(false);
    expect(unsigned.failures.map((f) => f.path)).toEqual(['artifact.chainSpec', 'artifact.coordinatorSignature']);
    const resealed = await verifyArtifact(reseal(tampered));
    expect(resealed.ok).toBe(false);
    expect(resealed.failures).toEqual([{ check: 'assembly', path: 'artifact.chainSpec', expected: 'the chainSpec re-derived from the spec and the reveals' }]);
  });

  it('fails when the multi is replaced by the plain list', async () => {
    const tampered = copy();
    tampered.chainSpec.engine.authorityRound.params.validators = { list: artifact.validators };
    expect((await verifyArtifact(reseal(tampered))).failures.map((f) => f.path)).toEqual(['artifact.chainSpec']);
  });

  it('fails on the spec hash when the transitions in the spec are changed to match a tampered chain spec', async () => {
    const tampered = copy();
    tampered.spec.chain.validatorTransitions[0].fromBlock = 1001;
    const multi = multiOf(tampered);
    multi['1001'] = multi['1000'];
    delete multi['1000'];
    const report = await verifyArtifact(reseal(tampered));
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toMatchObject({ check: 'spec hash', path: 'artifact.specHash' });
  });
});
