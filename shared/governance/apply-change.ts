/**
 * One change applied to the consortium (DESIGN.md §7): the state of the next revision, or a
 * ConcordError naming the field at fault. The reducer runs it when a proposal is made (so a proposal
 * that could never apply is refused at once) and `verifyRevisionChain` runs it again offline.
 *
 * Keys are enrolled only by the member they are for: the proposer itself (a PoP proves that the key is
 * held, not that the member named in it agreed); removals may be proposed by any member, the vote decides.
 * Refused: a key without a valid proof of possession (pop.ts); an address ever used before
 * (ADDRESS_REUSED); an endpoint a current node listens on; removing a node, bridge validator or member
 * that does not exist (NOT_FOUND); and, as CHANGE_INVALID, a change that would leave no authority node,
 * no member, fewer members than the governance threshold, more required bridge signatures than bridge
 * validators (or fewer than 1), more than 50 bridge validators (tokenbridge `MAX_ADDRESSES`,
 * REFERENCE.md §4) or more than 16 keys of one role for one member; and, for a change of the validator
 * list, an activation block not after the schedule's last transition.
 *
 * recordBridgeDeployment records the deployed bridge contracts, or replaces those recorded, after the
 * checks of bridge-deployment.ts `checkBridgeDeployment`; like every change that leaves the validator
 * list alone, its activation block is not used.
 *
 * On a chain with a permission contract, setPermissions replaces the policy in force (refused without a
 * contract, or when the policy is the one in force), and after every change the policy must still meet
 * the spec's cross-field rules (shared/permissioning/schema.ts `refinePermissions`) against the members
 * of the new revision: a member who serves readers cannot be removed, nor an identity admitted that the
 * policy already lists, until a setPermissions changes the policy. The new revision's `contractNonce`
 * moves past the contract changes it makes (contract-changes.ts).
 */
import { ConcordError, joinPath } from '../errors.js';
import { canonicalize } from '../canonical/jcs.js';
import type { Address } from '../crypto/secp256k1.js';
import { MAX_BRIDGE_VALIDATORS, MAX_KEYS_PER_MEMBER } from '../spec/schema.js';
import type { Change, NodeEnrollment } from './change.js';
import { bridgeOf, lastTransitionBlock, memberOf, nodeKeyAddress, validatorsOf, type ConsortiumMember, type ConsortiumNode, type ConsortiumState } from './consortium.js';
import { checkAddressPop, checkNodePop, type PopContext } from './pop.js';
import { contractChangesOf } from './contract-changes.js';
import { refinePermissions } from '../permissioning/schema.js';
import type { CeremonySpec } from '../spec/schema.js';
import type { CeremonyContext } from '../ceremony/reducer.js';
import { checkBridgeDeployment } from './bridge-deployment.js';

/** The most members a consortium may have (the spec's own bound). */
const MAX_MEMBERS = 200;

/** Where the change and the activation block are in the input, for error paths. */
export interface ChangePaths {
  change: string;
  activationBlock: string;
}

/** A revision being built: a deep copy of the one before, and the addresses used so far. */
interface Draft {
  spec: CeremonySpec;
  context: PopContext;
  /** The member who proposes the change. */
  proposer: Address;
  state: ConsortiumState;
  used: Set<Address>;
}

/** Refuses to enroll a key for another member than the proposer. */
function requireOwn(draft: Draft, member: Address, path: string, what: string): void {
  if (member !== draft.proposer) throw new ConcordError('FORBIDDEN', path, `${what} of the proposer ${draft.proposer}: a member enrolls only keys it holds, for itself`);
}

function claim(draft: Draft, address: Address, path: string): void {
  if (draft.used.has(address)) throw new ConcordError('ADDRESS_REUSED', path, 'an address never used before in this consortium (identities, signers, node keys, bridge validators, the coordinator)');
  draft.used.add(address);
  draft.state.usedAddresses.push(address);
}

function requireMember(draft: Draft, identity: Address, path: string): ConsortiumMember {
  const member = memberOf(draft.state, identity);
  if (member === undefined) throw new ConcordError('NOT_A_MEMBER', path, `the identity of a member of revision ${draft.state.revision}`);
  return member;
}

function findNode(draft: Draft, signer: Address, path: string): { member: ConsortiumMember; node: ConsortiumNode; index: number } {
  for (const member of draft.state.members) {
    const index = member.nodes.findIndex((node) => node.signer === signer);
    const node = member.nodes[index];
    if (node !== undefined) return { member, node, index };
  }
  throw new ConcordError('NOT_FOUND', path, `the signer of an authority node of revision ${draft.state.revision}`);
}

/** Checks and enrolls a new authority node of `member` at PoP index `index`. */
function enrollNode(draft: Draft, member: ConsortiumMember, index: number, node: NodeEnrollment, path: string): ConsortiumNode {
  if (member.nodes.length >= MAX_KEYS_PER_MEMBER) throw new ConcordError('CHANGE_INVALID', path, `at most ${MAX_KEYS_PER_MEMBER} authority nodes per member`);
  claim(draft, node.signer, joinPath(path, 'signer'));
  claim(draft, nodeKeyAddress(node), joinPath(path, 'nodePublicKey'));
  const endpoint = node.endpoint.toLowerCase();
  const holder = draft.state.members.find((m) => m.nodes.some((n) => n.endpoint.toLowerCase() === endpoint));
  if (holder !== undefined) throw new ConcordError('ENDPOINT_INVALID', joinPath(path, 'endpoint'), `an endpoint no current node listens on (a node of ${holder.name} does)`);
  checkAddressPop(draft.context, member.identity, 'authority', index, node.signerPop, node.signer, joinPath(path, 'signerPop'));
  checkNodePop(draft.context, member.identity, index, node.nodePop, node.nodePublicKey, joinPath(path, 'nodePop'));
  return { signer: node.signer, nodePublicKey: node.nodePublicKey, endpoint: node.endpoint };
}

/** Checks and enrolls a new bridge validator of `member` at its next bridge index. */
function enrollBridgeValidator(draft: Draft, member: ConsortiumMember, address: Address, pop: string, path: string): void {
  if (draft.state.bridge === null) throw new ConcordError('CHANGE_INVALID', path, 'no bridge validators: the consortium has no bridge');
  if (member.bridgeValidators.length >= MAX_KEYS_PER_MEMBER) throw new ConcordError('CHANGE_INVALID', path, `at most ${MAX_KEYS_PER_MEMBER} bridge validators per member`);
  claim(draft, address, joinPath(path, 'address'));
  checkAddressPop(draft.context, member.identity, 'bridge', member.nextIndex.bridge, pop, address, joinPath(path, 'pop'));
  member.bridgeValidators.push(address);
  member.nextIndex.bridge += 1;
}

/** The bridge after the change: 1 ≤ required ≤ validators ≤ 50. `path` and `hint` say what to change. */
function checkBridge(draft: Draft, path: string, hint: string): void {
  const bridge = bridgeOf(draft.state);
  if (bridge === null) return;
  const count = bridge.validators.length;
  if (count > MAX_BRIDGE_VALIDATORS) throw new ConcordError('CHANGE_INVALID', path, `at most ${MAX_BRIDGE_VALIDATORS} bridge validators in all (tokenbridge BridgeValidators)`);
  if (bridge.requiredSignatures < 1 || bridge.requiredSignatures > count) {
    throw new ConcordError('CHANGE_INVALID', path, `${hint}: required signatures between 1 and the number of bridge validators after the change (${count})`);
  }
}

function apply(draft: Draft, change: Change, path: string): string {
  const state = draft.state;
  switch (change.kind) {
    case 'addAuthority': {
      const member = requireMember(draft, change.member, joinPath(path, 'member'));
      requireOwn(draft, member.identity, joinPath(path, 'member'), 'the identity');
      member.nodes.push(enrollNode(draft, member, member.nextIndex.authority, change.node, joinPath(path, 'node')));
      member.nextIndex.authority += 1;
      return joinPath(path, 'node');
    }
    case 'removeAuthority': {
      const { member, index } = findNode(draft, change.signer, joinPath(path, 'signer'));
      member.nodes.splice(index, 1);
      return joinPath(path, 'signer');
    }
    case 'rotateAuthority': {
      const { member, node } = findNode(draft, change.oldSigner, joinPath(path, 'oldSigner'));
      requireOwn(draft, member.identity, joinPath(path, 'oldSigner'), 'the signer of a node');
      claim(draft, change.newSigner, joinPath(path, 'newSigner'));
      checkAddressPop(draft.context, member.identity, 'authority', member.nextIndex.authority, change.newSignerPop, change.newSigner, joinPath(path, 'newSignerPop'));
      node.signer = change.newSigner;
      member.nextIndex.authority += 1;
      return joinPath(path, 'newSigner');
    }
    case 'setBridgeValidators': {
      const bridge = state.bridge;
      if (bridge === null) throw new ConcordError('CHANGE_INVALID', joinPath(path, 'kind'), 'a change the consortium can make: it has no bridge');
      if (change.add.length === 0 && change.remove.length === 0 && change.requiredSignatures === bridge.requiredSignatures) {
        throw new ConcordError('CHANGE_INVALID', path, 'a change that adds or removes a bridge validator or changes the required signatures');
      }
      change.remove.forEach((address, i) => {
        const holder = state.members.find((member) => member.bridgeValidators.includes(address));
        if (holder === undefined) throw new ConcordError('NOT_FOUND', joinPath(path, 'remove', i), `a bridge validator of revision ${state.revision} (not already removed)`);
        holder.bridgeValidators = holder.bridgeValidators.filter((validator) => validator !== address);
      });
      change.add.forEach((addition, i) => {
        const member = requireMember(draft, addition.member, joinPath(path, 'add', i, 'member'));
        requireOwn(draft, member.identity, joinPath(path, 'add', i, 'member'), 'the identity');
        enrollBridgeValidator(draft, member, addition.address, addition.pop, joinPath(path, 'add', i));
      });
      bridge.requiredSignatures = change.requiredSignatures;
      checkBridge(draft, joinPath(path, 'requiredSignatures'), 'a required signature count the bridge can meet');
      return path;
    }
    case 'admitMember': {
      if (state.members.length >= MAX_MEMBERS) throw new ConcordError('CHANGE_INVALID', path, `at most ${MAX_MEMBERS} members`);
      claim(draft, change.identity, joinPath(path, 'identity'));
      checkAddressPop(draft.context, change.identity, 'identity', 0, change.identityPop, change.identity, joinPath(path, 'identityPop'));
      const sameName = state.members.find((member) => member.name.toLowerCase() === change.name.toLowerCase());
      if (sameName !== undefined) throw new ConcordError('CHANGE_INVALID', joinPath(path, 'name'), `a name no current member has (${sameName.name} has it)`);
      const member: ConsortiumMember = { identity: change.identity, name: change.name, nodes: [], bridgeValidators: [], nextIndex: { authority: 0, bridge: 0 } };
      state.members.push(member);
      change.nodes.forEach((node, i) => {
        member.nodes.push(enrollNode(draft, member, i, node, joinPath(path, 'nodes', i)));
        member.nextIndex.authority += 1;
      });
      change.bridgeValidators.forEach((validator, i) => enrollBridgeValidator(draft, member, validator.address, validator.pop, joinPath(path, 'bridgeValidators', i)));
      checkBridge(draft, joinPath(path, 'bridgeValidators'), 'bridge validators the bridge can hold');
      return joinPath(path, 'nodes');
    }
    case 'removeMember': {
      const at = joinPath(path, 'identity');
      const index = state.members.findIndex((member) => member.identity === change.identity);
      if (index < 0) throw new ConcordError('NOT_FOUND', at, `the identity of a member of revision ${state.revision}`);
      if (state.members.length === 1) throw new ConcordError('CHANGE_INVALID', at, 'a change that leaves at least one member (this is the last)');
      if (state.members.length - 1 < state.threshold) {
        throw new ConcordError('CHANGE_INVALID', at, `a change that leaves at least the governance threshold of ${state.threshold} members (${state.members.length - 1} would remain)`);
      }
      state.members.splice(index, 1);
      checkBridge(draft, at, 'lower the required signatures first');
      return at;
    }
    case 'recordBridgeDeployment': {
      const bridge = state.bridge;
      if (bridge === null) throw new ConcordError('CHANGE_INVALID', joinPath(path, 'kind'), 'a change the consortium can make: it has no bridge');
      const deployment = { home: change.home, foreign: change.foreign };
      checkBridgeDeployment(draft.spec, state, deployment, path);
      bridge.deployment = deployment;
      return path;
    }
    case 'setPermissions': {
      const permissions = state.permissions;
      if (permissions === null) throw new ConcordError('CHANGE_INVALID', joinPath(path, 'kind'), 'a change the consortium can make: its chain has no permission contract (the spec has no permissions section)');
      if (canonicalize(change.permissions) === canonicalize(permissions.policy)) {
        throw new ConcordError('CHANGE_INVALID', joinPath(path, 'permissions'), `a policy other than the one in force at revision ${state.revision}`);
      }
      permissions.policy = change.permissions;
      return path;
    }
  }
}

/**
 * The policy in force after the change, checked with the spec's cross-field rules against the new
 * revision's members and bridge. A setPermissions is refused at the field of its policy at fault; any
 * other change at the change, saying which rule of the policy it would break.
 */
function checkPolicy(state: ConsortiumState, change: Change, path: string): void {
  if (state.permissions === null) return;
  const issues: { at: (string | number)[]; message: string }[] = [];
  refinePermissions(
    // Prefunded accounts are genesis-only, and the spec already keeps them off the contract's address.
    { members: state.members, chain: { accounts: [] }, ...(state.bridge === null ? {} : { bridge: state.bridge }), permissions: state.permissions.policy },
    (at, message) => issues.push({ at, message }),
  );
  const first = issues[0];
  if (first === undefined) return;
  if (change.kind === 'setPermissions') throw new ConcordError('CHANGE_INVALID', joinPath(path, ...first.at), first.message);
  throw new ConcordError('CHANGE_INVALID', path, `a change after which the permission policy in force still holds (${joinPath(...first.at)}: ${first.message}); change the policy first`);
}

/**
 * The consortium after `proposer`'s `change`, as revision `before.revision + 1`. `activationBlock`
 * matters only when the validator list changes: the list then holds from that block on, which must
 * come after every earlier transition of the schedule. Never mutates `before`.
 */
export function applyChange(context: CeremonyContext, before: ConsortiumState, proposer: Address, change: Change, activationBlock: number, paths: ChangePaths): ConsortiumState {
  const draft: Draft = {
    spec: context.spec,
    context: { ceremonyId: context.spec.ceremonyId, specHash: context.specHash },
    proposer,
    state: structuredClone(before),
    used: new Set(before.usedAddresses),
  };
  const listPath = apply(draft, change, paths.change);
  const state = draft.state;
  checkPolicy(state, change, paths.change);
  const validators = validatorsOf(state);
  if (validators.length === 0) throw new ConcordError('CHANGE_INVALID', listPath, 'a change that leaves at least one authority node (Aura needs a validator)');
  if (canonicalize(validators) !== canonicalize(validatorsOf(before))) {
    const last = lastTransitionBlock(before);
    if (activationBlock <= last) {
      throw new ConcordError('CHANGE_INVALID', paths.activationBlock, `a block after the validator schedule's last transition (block ${last})`);
    }
    state.schedule.lists.push({ fromBlock: activationBlock, validators });
  }
  const after: ConsortiumState = { ...state, revision: before.revision + 1 };
  if (after.permissions !== null && before.permissions !== null) {
    after.permissions = { ...after.permissions, contractNonce: before.permissions.contractNonce + contractChangesOf(before, after).length };
  }
  return after;
}
