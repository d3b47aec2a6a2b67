/**
 * Each proposal kind the CLI had no end-to-end test of, and the refusals of bad changes, with `concord`
 * as real processes against a real coordinator (issue 6).
 *
 * One finalized 3-member consortium (Ash, Birch, Cedar: one node and one bridge validator each, 2 of 3
 * bridge signatures, governance threshold 2), in this order:
 *   revision 1  Ash rotates its signer (`propose rotate-authority`): the new key made in Ash's folder
 *               signs from the activation block, the old one is told retired;
 *   revision 2  Birch adds a bridge validator of its own, removes Cedar's and raises the required
 *               signatures to 3 (`propose set-bridge-validators --add-own --remove --required-signatures`):
 *               the bridge and the owner's calls, decoded independently with ethers;
 *   revision 3  Cedar is removed (`propose remove-member`): its node gone from the validators, and
 *               Cedar told which of its keys (and bundle folders) are retired;
 * then, on the 2 members left, refused with exit 2, an `error:` line naming the code and the field, a
 * `next:` line, and the transcript unchanged: more required signatures than bridge validators (asked,
 * or left by a removal); an address already used (a key enrolled now, a key retired); a removal below
 * the threshold. A 1-member consortium refuses to lose its last authority node (an empty validator
 * set) and its last member.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Interface } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressOf, type Address } from '../../shared/crypto/secp256k1.js';
import { decryptKeystore } from '../../shared/keys/keystore.js';
import type { RevisionArtifact } from '../../shared/governance/revision.js';
import { keyPaths } from '../../client/keys/ceremony-keys.js';
import { makeCeremony, type TestKey } from '../helpers/ceremony.js';
import { cleanUpProcesses } from '../helpers/processes.js';
import { writeTestKeystore } from '../helpers/member-folder.js';
import { concord, startCliConsortium, type CliConsortium, type ConcordRun } from '../helpers/cli-consortium.js';

cleanUpProcesses();

const LAYOUT = ['Ash', 'Birch', 'Cedar'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 }));
// tokenbridge-contracts 5.6.0 BridgeValidators, written out independently of shared/governance/bridge-calls.ts.
const BRIDGE_VALIDATORS = new Interface(['function addValidator(address)', 'function removeValidator(address)', 'function setRequiredSignatures(uint256)']);

const text = (run: ConcordRun): string => run.lines.join('\n');

/** Expects `run` to have succeeded; its last line (a proposal's hash, for `propose`). */
function succeeded(run: ConcordRun): string {
  expect(run.code, text(run)).toBe(0);
  return run.lines.at(-1) as string;
}

/** The address of the keystore at `path`, decrypted with the password file beside it. */
async function keystoreAddress(path: string): Promise<Address> {
  const password = await readFile(path.replace(/\.json$/, '.password'), 'utf8');
  return addressOf((await decryptKeystore(await readFile(path, 'utf8'), password, path)).secretKey);
}

/**
 * Runs `concord args`, which must be refused: exit 2; one `error: <code> at <field>: expected …` line
 * whose expectation contains `expected`; one `next:` line, containing `hint`; the coordinator's
 * transcript where it was.
 */
async function expectRefused(consortium: CliConsortium, args: readonly string[], refusal: { code: string; field: string; expected: string; hint: string }): Promise<void> {
  const before = await consortium.position();
  const run = await concord(args);
  expect(run.code, text(run)).toBe(2);
  const errors = run.lines.filter((line) => line.startsWith('error: '));
  expect(errors, text(run)).toHaveLength(1);
  expect(errors[0]).toMatch(new RegExp(`^error: ${refusal.code} at ${refusal.field.replace(/[.[\]]/g, '\\$&')}: expected `));
  expect(errors[0]).toContain(refusal.expected);
  const next = run.lines.filter((line) => line.startsWith('next: '));
  expect(next, text(run)).toHaveLength(1);
  expect(next[0]).toContain(refusal.hint);
  expect(await consortium.position()).toEqual(before);
}

/** A kind's whole run (6 or so processes of about a second each, and the chain verified by each fetch) on a loaded 2-core machine. */
const SLOW = 150_000;
const CHANGE_INVALID_HINT = 'propose a different change';
const ADDRESS_REUSED_HINT = 'make fresh keys';

describe('each proposal kind with the concord CLI over a real coordinator, then the refusals', () => {
  const ceremony = makeCeremony({ layout: LAYOUT, ceremonyId: 'cli-kinds', requiredSignatures: 2 });
  let c: CliConsortium;
  /** Revision `n` as `revision fetch` saved it. */
  const revisionPath = (n: number): string => join(c.folder, `revision-${n}.json`);
  const revision = async (n: number): Promise<RevisionArtifact> => JSON.parse(await readFile(revisionPath(n), 'utf8')) as RevisionArtifact;
  const signerOf = (name: string): Address => c.member(name).authorities[0]?.signer.address as Address;
  const bridgeKeyOf = (name: string): TestKey => c.member(name).bridgeValidators[0] as TestKey;

  /**
   * `proposer` proposes `kind`; each of `voters` votes yes; the proposal must have made revision `n`
   * (as the last vote's own replay says, and with `show`, as `concord proposal` says). Returns what each run printed.
   */
  const pass = async (n: number, proposer: string, kind: string, args: readonly string[], voters: readonly string[], show = false) => {
    const proposed = await concord(['propose', kind, ...c.as(proposer), ...args]);
    const hash = succeeded(proposed);
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(proposed.lines).toContain(`members vote with: concord vote ${hash} --yes|--no`);
    const votes: ConcordRun[] = [];
    for (const voter of voters) {
      const voted = await concord(['vote', hash, '--yes', ...c.as(voter)]);
      succeeded(voted);
      votes.push(voted);
    }
    expect(votes.at(-1)?.lines).toContain(`proposal passed: it made revision ${n} (concord revision fetch ${n} --out revision-${n}.json); yes ${voters.length}, no 0 of 3 (threshold 2)`);
    if (show) {
      const shown = await concord(['proposal', hash, ...c.read()]);
      succeeded(shown);
      expect(shown.lines[0]).toBe(`${hash} passed → revision ${n}`);
      expect(shown.lines).toContain(`  yes ${voters.length}, no 0 of 3 (threshold 2); not voted: ${c.ceremony.members.map((m) => m.name).filter((name) => !voters.includes(name)).join(', ')}`);
    }
    return { proposed, votes };
  };

  /** `revision fetch n`, optionally with a member's key folder; it must verify and save. */
  const fetchRevision = async (n: number, keysOf?: string, out = revisionPath(n)): Promise<ConcordRun> => {
    const fetched = await concord(['revision', 'fetch', String(n), '--out', out, ...c.read(), ...(keysOf === undefined ? [] : ['--keys', c.folderOf(keysOf)])]);
    succeeded(fetched);
    expect(fetched.lines[0]).toContain(`OK revision ${n}, verified as a chain from the genesis artifact (${n} revision(s), every signature checked); saved ${out}`);
    return fetched;
  };
  const retiredLines = (run: ConcordRun): string[] => run.lines.filter((line) => line.startsWith('  retired '));

  beforeAll(async () => {
    c = await startCliConsortium(ceremony);
  });
  afterAll(async () => {
    await c?.close();
  });

  let rotated: Address;

  it('rotate-authority: the new signer, made in the member\'s folder, replaces the old one from the activation block; the old key is told retired', { timeout: SLOW }, async () => {
    const oldSigner = signerOf('Ash');
    const genesisValidators = (JSON.parse(await readFile(c.artifactPath, 'utf8')) as { validators: Address[] }).validators;
    expect(genesisValidators).toContain(oldSigner);
    const made = keyPaths(c.folderOf('Ash'), 'authority', 1);
    const { proposed, votes } = await pass(1, 'Ash', 'rotate-authority', ['--keys', c.folderOf('Ash'), '--old-signer', oldSigner, '--activation-block', '100', '--light-kdf'], ['Birch', 'Cedar'], true);
    expect(proposed.lines).toContain(`made ${made.keystore} (mode 0600, password in ${made.password})`);
    rotated = await keystoreAddress(made.keystore);
    expect(rotated).not.toBe(oldSigner);
    expect(votes[0]?.lines).toContain(`voting yes on: rotate the signer ${oldSigner} to ${rotated}`);

    // Ash's and Birch's fetches at once: they only read.
    const [fetched, birch] = await Promise.all([fetchRevision(1, 'Ash'), fetchRevision(1, 'Birch', join(c.folder, 'revision-1-birch.json'))]);
    const first = await revision(1);
    expect(first.proposal.payload.change).toMatchObject({ kind: 'rotateAuthority', oldSigner, newSigner: rotated });
    expect(first.validators).toEqual(genesisValidators.map((signer) => (signer === oldSigner ? rotated : signer)));
    expect(first.validators).not.toContain(oldSigner);
    // Only the signer changes: the node keeps its p2p key and its endpoint.
    const ash = first.consortium.members.find((m) => m.name === 'Ash');
    expect(ash?.nodes).toEqual([{ signer: rotated, nodePublicKey: c.member('Ash').authorities[0]?.node.publicKey, endpoint: c.member('Ash').authorities[0]?.endpoint }]);
    expect(ash?.nextIndex.authority).toBe(2);
    expect(first.consortium.schedule.lists).toEqual([{ fromBlock: 100, validators: first.validators }]);
    const multi = (first.chainSpec as { engine: { authorityRound: { params: { validators: { multi: Record<string, { list: string[] }> } } } } }).engine.authorityRound.params.validators.multi;
    expect(multi).toEqual({ '0': { list: genesisValidators }, '100': { list: first.validators } });
    expect(first.bridgeCalls).toEqual([]);
    expect(fetched.lines).toContain(`  validators      3 from block 100: ${first.validators.join(', ')}`);
    // Ash is told its old signer key is retired, and nothing else (its p2p key and bridge key stay).
    const retired = retiredLines(fetched);
    expect(retired).toHaveLength(1);
    expect(retired[0]).toBe(`  retired         ${keyPaths(c.folderOf('Ash'), 'authority', 0).keystore} (${oldSigner}): not in revision 1; no node may sign blocks with it any more (a bundle's node-0/ made with it holds it)`);
    // A member whose keys all stay is told nothing is retired.
    expect(retiredLines(birch)).toEqual([]);
  });

  it('set-bridge-validators --add-own --remove --required-signatures: the bridge after it, and the owner\'s calls in an order the contract accepts', { timeout: SLOW }, async () => {
    const added = keyPaths(c.folderOf('Birch'), 'bridge', 1);
    const removed = bridgeKeyOf('Cedar').address;
    const { proposed, votes } = await pass(2, 'Birch', 'set-bridge-validators', ['--keys', c.folderOf('Birch'), '--add-own', '1', '--remove', removed, '--required-signatures', '3', '--light-kdf'], ['Ash', 'Birch']);
    expect(proposed.lines).toContain(`made ${added.keystore} (mode 0600, password in ${added.password})`);
    const newValidator = await keystoreAddress(added.keystore);
    expect(votes[0]?.lines).toContain(`voting yes on: bridge validators: add ${newValidator} of Birch (${c.member('Birch').identity.address}); remove ${removed}; required signatures 3`);

    const fetched = await fetchRevision(2, 'Cedar');
    const second = await revision(2);
    const expectedValidators = [bridgeKeyOf('Ash').address, bridgeKeyOf('Birch').address, newValidator];
    expect(second.bridge?.requiredSignatures).toBe(3);
    expect([...(second.bridge?.validators ?? [])].sort()).toEqual([...expectedValidators].sort());
    expect(second.bridge?.validators).not.toContain(removed);
    expect(second.consortium.bridge?.requiredSignatures).toBe(3);
    expect(second.consortium.members.map((m) => [m.name, m.bridgeValidators])).toEqual([
      ['Ash', [bridgeKeyOf('Ash').address]],
      ['Birch', [bridgeKeyOf('Birch').address, newValidator]],
      ['Cedar', []],
    ]);
    // The validator list is untouched: no new transition.
    expect(second.validators).toEqual((await revision(1)).validators);
    expect(second.consortium.schedule.lists).toHaveLength(1);
    // Add first (4 validators), then remove (3 > 2 required), then raise to 3: never reverts; home then foreign.
    const owner = c.ceremony.spec.bridge?.validatorsOwner;
    for (const [i, chain] of (['home', 'foreign'] as const).entries()) {
      const calls = second.bridgeCalls.slice(i * 3, i * 3 + 3);
      expect(calls.map((call) => [call.chain, call.from, call.target])).toEqual(Array(3).fill([chain, owner, `<BridgeValidators address: validatorContract() of the ${chain} bridge>`]));
      const decoded = calls.map((call) => {
        const parsed = BRIDGE_VALIDATORS.parseTransaction({ data: call.calldata });
        return [parsed?.name, ...(parsed?.args.map(String) ?? [])];
      });
      expect(decoded).toEqual([['addValidator', newValidator], ['removeValidator', removed], ['setRequiredSignatures', '3']]);
    }
    expect(second.bridgeCalls).toHaveLength(6);
    expect(fetched.lines).toContain(`  bridge          3 of 3: ${second.bridge?.validators.join(', ')}`);
    expect(fetched.lines).toContain(`  bridge calls    6, to send in this order from the validators owner ${owner}:`);
    // Cedar is told its bridge validator key is retired.
    const retired = retiredLines(fetched);
    expect(retired).toEqual([`  retired         ${keyPaths(c.folderOf('Cedar'), 'bridge', 0).keystore} (${removed}): not in revision 2; its oracle is no longer a bridge validator once the bridge calls are sent (a bundle's oracle/bridge-0.env)`]);
  });

  it('remove-member: the member, its node and its keys leave the consortium; it is told which keys and bundle folders are retired', { timeout: SLOW }, async () => {
    const cedar = c.member('Cedar');
    const { votes } = await pass(3, 'Ash', 'remove-member', ['--member', cedar.identity.address, '--activation-block', '200'], ['Ash', 'Birch']);
    expect(votes[0]?.lines).toContain(`voting yes on: remove the member Cedar (${cedar.identity.address}) with its nodes and bridge validators`);

    // Cedar, no member any more, may not propose; its fetch and that attempt at once (neither writes to the transcript).
    const [fetched, late] = await Promise.all([fetchRevision(3, 'Cedar'), concord(['propose', 'remove-member', ...c.as('Cedar'), '--member', c.member('Birch').identity.address])]);
    const third = await revision(3);
    expect(third.consortium.members.map((m) => m.name)).toEqual(['Ash', 'Birch']);
    expect(third.validators).toEqual([rotated, signerOf('Birch')]);
    expect(third.validators).not.toContain(signerOf('Cedar'));
    expect(third.consortium.schedule.lists.map((list) => list.fromBlock)).toEqual([100, 200]);
    expect(third.consortium.schedule.lists[1]?.validators).toEqual(third.validators);
    const enodeIds = third.enodes.map((enode) => /^enode:\/\/([0-9a-f]{128})@/.exec(enode)?.[1]).sort();
    expect(enodeIds).toEqual(['Ash', 'Birch'].map((name) => c.member(name).authorities[0]?.node.publicKey.slice(2).toLowerCase()).sort());
    // Cedar held no bridge validator any more: the bridge and its calls are unchanged.
    expect(third.bridge).toEqual((await revision(2)).bridge);
    expect(third.bridgeCalls).toEqual([]);
    const retired = retiredLines(fetched);
    const keys = (role: 'authority' | 'node' | 'bridge') => keyPaths(c.folderOf('Cedar'), role, 0).keystore;
    expect(retired).toEqual([
      `  retired         ${keys('authority')} (${signerOf('Cedar')}): not in revision 3; no node may sign blocks with it any more (a bundle's node-0/ made with it holds it)`,
      `  retired         ${keys('bridge')} (${bridgeKeyOf('Cedar').address}): not in revision 3; its oracle is no longer a bridge validator once the bridge calls are sent (a bundle's oracle/bridge-0.env)`,
      `  retired         ${keys('node')} (${cedar.authorities[0]?.node.address}): not in revision 3; the p2p node with this key is no longer a reserved peer (a bundle's node-0/ runs it)`,
    ]);
    expect(late.code, text(late)).toBe(2);
    expect(late.lines.find((line) => line.startsWith('error: '))).toMatch(/^error: NOT_A_MEMBER at /);
    // The three revisions verify offline as a chain.
    const verified = await concord(['verify', c.artifactPath, revisionPath(1), revisionPath(2), revisionPath(3)]);
    succeeded(verified);
  });

  it('refuses more required bridge signatures than bridge validators, asked or left by a removal', async () => {
    expect((await revision(3)).bridge?.validators).toHaveLength(3);
    await expectRefused(c, ['propose', 'set-bridge-validators', ...c.as('Ash'), '--required-signatures', '4'], {
      code: 'CHANGE_INVALID',
      field: 'message.payload.change.requiredSignatures',
      expected: 'required signatures between 1 and the number of bridge validators after the change (3)',
      hint: CHANGE_INVALID_HINT,
    });
    // 3 required stays while a removal would leave 2.
    await expectRefused(c, ['propose', 'set-bridge-validators', ...c.as('Ash'), '--remove', bridgeKeyOf('Birch').address], {
      code: 'CHANGE_INVALID',
      field: 'message.payload.change.requiredSignatures',
      expected: 'required signatures between 1 and the number of bridge validators after the change (2)',
      hint: CHANGE_INVALID_HINT,
    });
  });

  it('refuses an address already used: a bridge validator or a rotated signer whose key is enrolled now, or was once', async () => {
    const ash = (await revision(3)).consortium.members.find((m) => m.name === 'Ash');
    expect(ash?.nextIndex).toEqual({ authority: 2, bridge: 1 });
    const cases: { name: string; role: 'bridge' | 'authority'; index: number; key: TestKey; args: string[]; field: string }[] = [
      { name: 'enrolled-bridge', role: 'bridge', index: 1, key: bridgeKeyOf('Birch'), args: ['set-bridge-validators', '--add-own', '1'], field: 'message.payload.change.add[0].address' },
      { name: 'retired-bridge', role: 'bridge', index: 1, key: bridgeKeyOf('Cedar'), args: ['set-bridge-validators', '--add-own', '1'], field: 'message.payload.change.add[0].address' },
      { name: 'enrolled-signer', role: 'authority', index: 2, key: c.member('Birch').authorities[0]?.signer as TestKey, args: ['rotate-authority', '--old-signer', rotated, '--activation-block', '300'], field: 'message.payload.change.newSigner' },
    ];
    for (const reuse of cases) {
      // A key folder whose next key of the role (the one the CLI loads, not makes) holds an address in use.
      const folder = join(c.folder, `reuse-${reuse.name}`);
      const path = keyPaths(folder, reuse.role, reuse.index).keystore;
      await writeTestKeystore(path, reuse.key);
      await expectRefused(c, ['propose', reuse.args[0] as string, ...c.as('Ash'), '--keys', folder, ...reuse.args.slice(1), '--light-kdf'], {
        code: 'ADDRESS_REUSED',
        field: reuse.field,
        expected: 'an address never used before in this consortium',
        hint: ADDRESS_REUSED_HINT,
      });
    }
  });

  it('refuses to remove a member below the governance threshold', async () => {
    await expectRefused(c, ['propose', 'remove-member', ...c.as('Ash'), '--member', c.member('Birch').identity.address], {
      code: 'CHANGE_INVALID',
      field: 'message.payload.change.identity',
      expected: 'a change that leaves at least the governance threshold of 2 members (1 would remain)',
      hint: CHANGE_INVALID_HINT,
    });
  });
});

describe('a 1-member consortium, with the concord CLI over a real coordinator', () => {
  const ceremony = makeCeremony({ layout: [{ name: 'Solo', authorityNodes: 1, bridgeValidators: 1 }], ceremonyId: 'cli-kinds-solo', requiredSignatures: 1 });
  let c: CliConsortium;
  beforeAll(async () => {
    c = await startCliConsortium(ceremony);
  });
  afterAll(async () => {
    await c?.close();
  });

  it('refuses to remove its last authority node: the validator set would be empty', async () => {
    await expectRefused(c, ['propose', 'remove-authority', ...c.as('Solo'), '--signer', c.member('Solo').authorities[0]?.signer.address as string, '--activation-block', '10'], {
      code: 'CHANGE_INVALID',
      field: 'message.payload.change.signer',
      expected: 'a change that leaves at least one authority node',
      hint: CHANGE_INVALID_HINT,
    });
  });

  it('refuses to remove its last member', async () => {
    await expectRefused(c, ['propose', 'remove-member', ...c.as('Solo'), '--member', c.member('Solo').identity.address, '--activation-block', '10'], {
      code: 'CHANGE_INVALID',
      field: 'message.payload.change.identity',
      expected: 'a change that leaves at least one member (this is the last)',
      hint: CHANGE_INVALID_HINT,
    });
  });

  it('still passes a valid change by its one member (the refusals were not a broken consortium)', async () => {
    const proposed = await concord(['propose', 'set-bridge-validators', ...c.as('Solo'), '--keys', c.folderOf('Solo'), '--add-own', '1', '--light-kdf']);
    const hash = succeeded(proposed);
    const voted = await concord(['vote', hash, '--yes', ...c.as('Solo')]);
    succeeded(voted);
    expect(voted.lines).toContain('proposal passed: it made revision 1 (concord revision fetch 1 --out revision-1.json); yes 1, no 0 of 1 (threshold 1)');
  });
});
