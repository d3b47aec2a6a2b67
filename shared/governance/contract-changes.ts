/**
 * The permission contract's side of governance (issue 9 item 3, issue 6 item 1). What
 * ConsortiumPermissions.sol stores is a function of the consortium: `resolvePolicy` of the policy in
 * force, the member identities, the governance threshold and the bridge validators, as its genesis
 * storage is of the spec (shared/permissioning/policy.ts). So the contract changes a revision needs are
 * the difference between that of the revision before and that of the revision after:
 *
 *   SetPermissions {entries, defaultMask}   every sender whose mask differs (one no longer listed is sent
 *                                           with `listed: false` and mask 0) and the default, if either differs
 *   SetMembers {members, threshold}         the identities in ascending order and the threshold, if they differ
 *
 * in that order, consuming the nonces n and n+1 from the consortium's `contractNonce`. SetPermissions goes
 * first because both are authorized by the members of the revision before (the yes-voters): once
 * SetMembers has run, a removed member's signature would make the contract revert (`NotMember`).
 * Hence: setPermissions makes a SetPermissions (none when only `read` changes: reading is not on chain);
 * admitMember and removeMember make a SetMembers, and a SetPermissions when the policy grants the
 * `consortium` keyword rights (the member's identity and bridge validators gain or lose their entries);
 * setBridgeValidators makes a SetPermissions when `consortium` covers the bridge validators; the other
 * kinds make none.
 *
 * Every yes-vote on such a proposal carries the voter's signature over each change, under the contract's
 * EIP-712 domain (chain id, contract address) and with the nonce it will consume
 * (shared/permissioning/typed-data.ts); the reducer checks each here. A passed proposal's revision lists
 * each change as the transaction anyone may submit: the ABI calldata with the yes-voters' signatures in
 * strictly ascending signer order, as the contract requires.
 */
import { z } from 'zod';
import { ConcordError, joinPath } from '../errors.js';
import { canonicalize } from '../canonical/jcs.js';
import { recoverAddress, signDigest } from '../crypto/secp256k1.js';
import type { Hex } from '../hash/hex.js';
import { addressField, intField } from '../validation/fields.js';
import type { CeremonySpec } from '../spec/schema.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../permissioning/account.js';
import { compareAddresses, resolvePolicy } from '../permissioning/policy.js';
import type { PermissionState } from '../permissioning/storage.js';
import { PERMISSIONS_DOMAIN, permissionChangeDigest, permissionChangeFunction, permissionChangeTransaction, type ChangeContext, type PermissionChange } from '../permissioning/typed-data.js';
import { bridgeOf, type ConsortiumState } from './consortium.js';
import { baseOf, type GovernanceState, type Proposal, type VoteEntry } from './proposals.js';

/** The most contract changes one revision makes: a SetPermissions and a SetMembers. */
export const MAX_CONTRACT_CHANGES = 2;

/** One change of the permission contract and the contract nonce it consumes. */
export interface ContractStep {
  change: PermissionChange;
  nonce: number;
}

const maskField = intField(0, 7);

/** One transaction on the permission contract that a revision lists: anyone may submit it, in order. */
export const contractCallSchema = z.strictObject({
  /** The permission contract. */
  target: addressField,
  /** The function's signature, e.g. `setMembers(address[],uint32,uint256,bytes[])`. */
  function: z.string(),
  /** The contract nonce it consumes: it reverts (`StaleNonce`) unless the contract's `nonce()` is this. */
  nonce: intField(0),
  /** What it sets, as the members signed it. */
  change: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('SetPermissions'),
      entries: z.array(z.strictObject({ account: addressField, mask: maskField, listed: z.boolean() })),
      defaultMask: maskField,
    }),
    z.strictObject({ kind: z.literal('SetMembers'), members: z.array(addressField), threshold: intField(1) }),
  ]),
  /** The yes-voters whose signatures it carries, in the ascending order the contract requires. */
  signers: z.array(addressField),
  /** 4-byte selector and ABI-encoded arguments. */
  calldata: z.string().regex(/^0x([0-9a-f]{2})+$/, '0x + lowercase hex bytes'),
});

/** One transaction on the permission contract that a revision lists. */
export type ContractCall = z.infer<typeof contractCallSchema>;

/** What the permission contract stores for `state`, or null on a chain without one. */
export function contractStateOf(state: ConsortiumState): PermissionState | null {
  if (state.permissions === null) return null;
  return resolvePolicy({
    permissions: state.permissions.policy,
    members: state.members.map((member) => member.identity),
    threshold: state.threshold,
    bridgeValidators: bridgeOf(state)?.validators ?? [],
  });
}

/** The contract changes, in submission order, that take what the contract stores for `before` to what it stores for `after`. */
export function contractChangesOf(before: ConsortiumState, after: ConsortiumState): PermissionChange[] {
  const from = contractStateOf(before);
  const to = contractStateOf(after);
  if (from === null || to === null) return [];
  const accounts = [...new Set([...from.entries.keys(), ...to.entries.keys()])].sort(compareAddresses);
  const entries = accounts.flatMap((account) => {
    const mask = to.entries.get(account);
    if (mask === undefined) return [{ account, mask: 0, listed: false }];
    return mask === from.entries.get(account) ? [] : [{ account, mask, listed: true }];
  });
  const changes: PermissionChange[] = [];
  if (entries.length > 0 || to.defaultMask !== from.defaultMask) changes.push({ kind: 'SetPermissions', entries, defaultMask: to.defaultMask });
  if (to.threshold !== from.threshold || canonicalize(to.members) !== canonicalize(from.members)) changes.push({ kind: 'SetMembers', members: to.members, threshold: to.threshold });
  return changes;
}

/** The contract changes of the revision `before` → `after`, each with the nonce it consumes. */
export function contractStepsOf(before: ConsortiumState, after: ConsortiumState): ContractStep[] {
  const first = before.permissions?.contractNonce ?? 0;
  return contractChangesOf(before, after).map((change, i) => ({ change, nonce: first + i }));
}

/** The contract changes a proposal makes if it passes, against the revision it was made against. */
export function proposalContractSteps(governance: GovernanceState, proposal: Proposal): ContractStep[] {
  return contractStepsOf(baseOf(governance, proposal), proposal.after);
}

/** Where a step's signatures count: the spec's chain, the permission contract, the step's nonce. */
export function stepContext(spec: CeremonySpec, step: ContractStep): ChangeContext {
  return { chainId: BigInt(spec.chain.chainId), nonce: BigInt(step.nonce), contract: PERMISSION_CONTRACT_ADDRESS };
}

/** One line naming a step, for errors and the CLI. */
export function describeStep(step: ContractStep): string {
  return `${step.change.kind} at contract nonce ${step.nonce}`;
}

/** A voter's signatures over every step, in order: what its yes-vote carries as `contractSignatures`. */
export function signContractSteps(spec: CeremonySpec, steps: readonly ContractStep[], secretKey: Uint8Array): Hex[] {
  return steps.map((step) => signDigest(permissionChangeDigest(step.change, stepContext(spec, step)), secretKey));
}

/**
 * Checks a vote's contract signatures against the proposal's `steps`: none on a no-vote or when there is
 * no step, else exactly one per step, each by the voter over that change with that nonce under the
 * contract's domain. Throws MESSAGE_INVALID for a wrong count, SIGNATURE_INVALID naming the signature.
 */
export function checkContractSignatures(spec: CeremonySpec, steps: readonly ContractStep[], vote: VoteEntry, payloadPath: string): void {
  const { approve, contractSignatures } = vote.payload;
  const listPath = joinPath(payloadPath, 'contractSignatures');
  if (!approve || steps.length === 0) {
    if (contractSignatures.length > 0) {
      throw new ConcordError('MESSAGE_INVALID', listPath, approve ? 'no contract signature: this proposal changes nothing the permission contract stores' : 'no contract signature: a no-vote authorizes no contract change');
    }
    return;
  }
  if (contractSignatures.length !== steps.length) {
    throw new ConcordError('MESSAGE_INVALID', listPath, `one signature by the voter per permission contract change of this proposal, in order: ${steps.map(describeStep).join(', ')}`);
  }
  steps.forEach((step, i) => {
    const path = joinPath(listPath, i);
    if (recoverAddress(permissionChangeDigest(step.change, stepContext(spec, step)), contractSignatures[i] as string, path) !== vote.member) {
      throw new ConcordError(
        'SIGNATURE_INVALID',
        path,
        `a signature by ${vote.member} over this proposal's ${describeStep(step)} (EIP-712 domain "${PERMISSIONS_DOMAIN.name}" version ${PERMISSIONS_DOMAIN.version}, chain id ${spec.chain.chainId}, contract ${PERMISSION_CONTRACT_ADDRESS})`,
      );
    }
  });
}

/**
 * The transactions a passed proposal's revision lists, one per step: each carries the signature every
 * yes-vote made for it, ordered by signer as the contract requires. The votes are those the reducer
 * accepted, so every yes-vote has one signature per step.
 */
export function contractCallsOf(spec: CeremonySpec, steps: readonly ContractStep[], votes: readonly VoteEntry[]): ContractCall[] {
  const yes = votes.filter((vote) => vote.payload.approve);
  const signers = yes.map((vote) => vote.member).sort(compareAddresses);
  return steps.map((step, i) => {
    const signatures = yes.map((vote) => {
      const signature = vote.payload.contractSignatures[i];
      if (signature === undefined) throw new ConcordError('INTERNAL', 'votes', `a contract signature per yes-vote for ${describeStep(step)}`);
      return signature;
    });
    const transaction = permissionChangeTransaction(step.change, stepContext(spec, step), signatures);
    return { target: transaction.to, function: permissionChangeFunction(step.change.kind), nonce: step.nonce, change: toCallChange(step.change), signers, calldata: transaction.data };
  });
}

/** A change as a revision records it (mutable copies of the signed lists). */
function toCallChange(change: PermissionChange): ContractCall['change'] {
  return change.kind === 'SetPermissions'
    ? { kind: 'SetPermissions', entries: change.entries.map((entry) => ({ ...entry })), defaultMask: change.defaultMask }
    : { kind: 'SetMembers', members: [...change.members], threshold: change.threshold };
}
