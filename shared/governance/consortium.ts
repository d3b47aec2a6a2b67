/**
 * The consortium as one revision leaves it (DESIGN.md §7): the members in order, each with its
 * authority nodes and bridge validators; how many bridge validators must sign; the governance
 * threshold; the Aura validator schedule; every address ever used; and, once recorded, the deployed
 * bridge contracts. Revision 0 is derived from the spec and the genesis reveals, in the order assembly
 * uses (shared/assembly/assemble.ts): nodes and bridge validators interleaved by index, members in
 * order. Every later revision is `applyChange` (apply-change.ts) of the one before.
 *
 * `usedAddresses` never shrinks: an identity, signer, node-key address, bridge validator or the
 * coordinator, once used, is never enrolled again (a removed key may still be held by someone).
 * `nextIndex` is each member's next proof-of-possession index per role (pop.ts): indexes are not reused.
 *
 * On a chain with a permission contract (a spec with `permissions`), `permissions` holds the policy in
 * force (the spec's, until a setPermissions revision replaces it) and `contractNonce`, the nonce the
 * contract's next change must carry: the genesis storage's, plus one per contract change every revision
 * made (shared/governance/contract-changes.ts), the changes being submitted in revision order.
 */
import { z } from 'zod';
import { ConcordError } from '../errors.js';
import { canonicalize } from '../canonical/jcs.js';
import { fromHex } from '../hash/hex.js';
import { addressOfPublicKey, type Address } from '../crypto/secp256k1.js';
import { addressField, endpointField, intField, nodePublicKeyField } from '../validation/fields.js';
import { formatEnode } from '../p2p/enode.js';
import { enrolledAddresses, type Contribution } from '../ceremony/contribution.js';
import type { BridgeValidatorSet } from '../assembly/assemble.js';
import type { CeremonySpec } from '../spec/schema.js';
import { permissionsSchema } from '../permissioning/schema.js';
import { GENESIS_CONTRACT_NONCE } from '../permissioning/storage.js';
import { interleave } from '../assembly/interleave.js';
import { bridgeDeploymentSchema, type BridgeDeployment } from './bridge-deployment.js';

const nodeSchema = z.strictObject({ signer: addressField, nodePublicKey: nodePublicKeyField, endpoint: endpointField });

const memberSchema = z.strictObject({
  identity: addressField,
  name: z.string().min(1).max(64),
  nodes: z.array(nodeSchema),
  bridgeValidators: z.array(addressField),
  nextIndex: z.strictObject({ authority: intField(0), bridge: intField(0) }),
});

/** The consortium after a revision; embedded in every revision artifact. */
export const consortiumStateSchema = z.strictObject({
  revision: intField(0),
  members: z.array(memberSchema).min(1),
  threshold: intField(1),
  /**
   * Null when the spec has no bridge. `deployment`: the bridge contracts a recordBridgeDeployment
   * revision recorded (bridge-deployment.ts), null until one does.
   */
  bridge: z.strictObject({ requiredSignatures: intField(1), deployment: bridgeDeploymentSchema.nullable() }).nullable(),
  schedule: z.strictObject({
    /** The validator list from block 0 (the genesis artifact's). */
    genesis: z.array(addressField).min(1),
    /** The spec's validator-set contracts (`chain.validatorTransitions`). */
    contracts: z.array(z.strictObject({ fromBlock: intField(1), kind: z.enum(['safeContract', 'contract']), address: addressField })),
    /** The validator lists revisions added, each from its proposal's activation block. */
    lists: z.array(z.strictObject({ fromBlock: intField(1), validators: z.array(addressField).min(1) })),
  }),
  usedAddresses: z.array(addressField),
  /** The permission policy in force and the permission contract's next nonce; null without a permission contract. */
  permissions: z.strictObject({ policy: permissionsSchema, contractNonce: intField(0) }).nullable(),
});

/** The consortium after a revision. */
export type ConsortiumState = z.infer<typeof consortiumStateSchema>;
/** One member of the consortium. */
export type ConsortiumMember = ConsortiumState['members'][number];
/** One authority node of a member. */
export type ConsortiumNode = ConsortiumMember['nodes'][number];

/** The authority nodes in Aura signing order. */
export function nodesInOrder(state: ConsortiumState): ConsortiumNode[] {
  return interleave(state.members.map((member) => member.nodes));
}

/** The Aura validators (signers) in signing order. */
export function validatorsOf(state: ConsortiumState): Address[] {
  return nodesInOrder(state).map((node) => node.signer);
}

/** One enode URL per authority node, in validator order. */
export function enodesOf(state: ConsortiumState): string[] {
  return nodesInOrder(state).map((node) => formatEnode(node.nodePublicKey, node.endpoint));
}

/** The bridge validators in assembly order and how many must sign, or null without a bridge. */
export function bridgeOf(state: ConsortiumState): BridgeValidatorSet | null {
  if (state.bridge === null) return null;
  return { validators: interleave(state.members.map((member) => member.bridgeValidators)), requiredSignatures: state.bridge.requiredSignatures };
}

/** The bridge contracts recorded as deployed, or null (no bridge, or none recorded yet). */
export function bridgeDeploymentOf(state: ConsortiumState): BridgeDeployment | null {
  return state.bridge?.deployment ?? null;
}

/** The address of a node's p2p key (what `usedAddresses` records for it). */
export function nodeKeyAddress(node: Pick<ConsortiumNode, 'nodePublicKey'>): Address {
  return addressOfPublicKey(fromHex(node.nodePublicKey));
}

/** The member with this identity, if it is one in `state`. */
export function memberOf(state: ConsortiumState, identity: Address): ConsortiumMember | undefined {
  return state.members.find((member) => member.identity === identity);
}

/**
 * Revision 0: the consortium the ceremony finalized. `contributions` are in spec member order, one per
 * member; `validators` and `bridge` are what assembly made of them, and must be what this state gives
 * (a bug guard: the two orders are written twice).
 */
export function genesisConsortium(
  spec: CeremonySpec,
  contributions: readonly Contribution[],
  assembled: { validators: readonly Address[]; bridge: BridgeValidatorSet | null },
): ConsortiumState {
  const used: Address[] = [spec.coordinator, ...spec.members.map((member) => member.identity)];
  const members = spec.members.map((member, i) => {
    const contribution = contributions[i];
    if (contribution === undefined || contribution.member !== member.identity) {
      throw new ConcordError('INTERNAL', 'contributions', 'one contribution per member, in spec order');
    }
    used.push(...enrolledAddresses(contribution, '').map(({ address }) => address));
    return {
      identity: member.identity,
      name: member.name,
      nodes: contribution.authorities.map(({ signer, nodePublicKey, endpoint }) => ({ signer, nodePublicKey, endpoint })),
      bridgeValidators: contribution.bridgeValidators.map(({ address }) => address),
      nextIndex: { authority: contribution.authorities.length, bridge: contribution.bridgeValidators.length },
    };
  });
  const state: ConsortiumState = {
    revision: 0,
    members,
    threshold: spec.governance.threshold,
    bridge: spec.bridge === undefined ? null : { requiredSignatures: spec.bridge.requiredSignatures, deployment: null },
    schedule: {
      genesis: [...assembled.validators],
      contracts: (spec.chain.validatorTransitions ?? []).map(({ fromBlock, kind, address }) => ({ fromBlock, kind, address })),
      lists: [],
    },
    usedAddresses: used,
    permissions: spec.permissions === undefined ? null : { policy: spec.permissions, contractNonce: GENESIS_CONTRACT_NONCE },
  };
  if (canonicalize(validatorsOf(state)) !== canonicalize(assembled.validators) || canonicalize(bridgeOf(state)) !== canonicalize(assembled.bridge)) {
    throw new ConcordError('INTERNAL', 'consortium', 'revision 0 in the validator and bridge order of the assembly');
  }
  return state;
}

/** The last block at which the schedule changes (0 if the genesis list holds for ever). */
export function lastTransitionBlock(state: ConsortiumState): number {
  return Math.max(0, ...state.schedule.contracts.map((t) => t.fromBlock), ...state.schedule.lists.map((t) => t.fromBlock));
}

/** The genesis spec with the permission policy in force at `consortium`'s revision (what revision bundles are built from). */
export function specInForce(spec: CeremonySpec, consortium: ConsortiumState): CeremonySpec {
  return consortium.permissions === null ? spec : { ...spec, permissions: consortium.permissions.policy };
}
