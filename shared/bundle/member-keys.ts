/**
 * Which key files of a member's folder each of its nodes and bridge validators uses at a revision, and
 * which of them that revision retired (DESIGN.md §7; issue 6, item 4).
 *
 * A member's folder holds `keys/<role>-<index>.json` (client/keys/ceremony-keys.ts), `index` being the
 * proof-of-possession index the key was enrolled at (shared/governance/pop.ts): the ceremony enrolls
 * node i's signer and p2p key at index i and bridge validator j at j; later keys take the member's
 * `nextIndex` of their role (shared/governance/apply-change.ts), which every key it enrolls moves on by
 * one and which never goes back. The consortium state keeps no index per key, but the chain of states
 * fixes them: between two revisions, the member's new signers take `nextIndex.authority` onwards in
 * node order, a new node's p2p key the index of its signer (addAuthority and admitMember enroll both at
 * one index; a rotation enrolls a signer only, the node keeps its p2p key), and new bridge validators
 * `nextIndex.bridge` onwards in order. The PoPs in the chain sign those indexes, so a key file at them
 * is the one enrolled; the builder still checks each key against its address.
 *
 * A node's folder in the bundle is `node-<i>`, i being the index of its p2p key: it stays the same
 * across revisions (a rotation keeps the folder and its RPC ports; a removed node's folder is gone,
 * and no later node takes its name). At genesis it is the member's node order, as it always was.
 */
import { ConcordError } from '../errors.js';
import type { Address } from '../crypto/secp256k1.js';
import { memberOf, nodeKeyAddress, type ConsortiumMember, type ConsortiumNode, type ConsortiumState } from '../governance/consortium.js';
import { oracleEnvPath } from './oracle-env.js';

/** The roles of a member's key folder. */
export type KeyRole = 'authority' | 'node' | 'bridge';

/** A key some member enrolled: its file index, its address, and the revision that enrolled it. */
export interface EnrolledKey {
  member: Address;
  role: KeyRole;
  index: number;
  address: Address;
  revision: number;
}

/** The path of a key in a member's folder. */
export function keyFile(role: KeyRole, index: number): string {
  return `keys/${role}-${index}.json`;
}

/** The folder of the node whose p2p key has index `index`. */
export function nodeFolder(index: number): string {
  return `node-${index}`;
}

/** One of the member's nodes at the revision: its folder, the indexes of its two keys, the node. */
export interface MemberNodeSlot {
  folder: string;
  /** Index of its p2p key (`keys/node-<index>.json`), and of its folder and RPC ports. */
  index: number;
  /** Index of its signer (`keys/authority-<signerIndex>.json`). */
  signerIndex: number;
  node: ConsortiumNode;
}

/** One of the member's bridge validators at the revision: the index of its key. */
export interface MemberBridgeSlot {
  index: number;
  address: Address;
}

/** A key of the member that the chain no longer uses, and what ran it in bundles of earlier revisions. */
export interface RetiredKey {
  role: KeyRole;
  index: number;
  address: Address;
  keyFile: string;
  /** The revision that took it out. */
  revision: number;
  /** `rotated`: a signer whose node runs on with another signer; `removed`: any other (its node or bridge validator left). */
  reason: 'removed' | 'rotated';
  /** The node folder or oracle env of earlier bundles that used it. */
  bundlePath: string;
  /** For a rotated signer: the key file its node signs with at the bundle's revision (null if the node was removed since). */
  replacedBy: string | null;
}

/** A member's keys at a revision. */
export interface MemberKeyPlan {
  member: ConsortiumMember;
  /** Its position among the revision's members. */
  memberIndex: number;
  nodes: MemberNodeSlot[];
  bridge: MemberBridgeSlot[];
  /** Every key the member enrolled that the revision no longer uses, in enrolment order. */
  retired: RetiredKey[];
}

/** The keys `after` enrolled that `before` (the same member one revision earlier, if it was one) did not have. */
function enrolledBetween(before: ConsortiumMember | undefined, after: ConsortiumMember, revision: number): EnrolledKey[] {
  const keys: EnrolledKey[] = [];
  const enroll = (role: KeyRole, index: number, address: Address): void => {
    keys.push({ member: after.identity, role, index, address, revision });
  };
  const signers = new Set(before?.nodes.map((node) => node.signer));
  const nodeKeys = new Set(before?.nodes.map((node) => node.nodePublicKey));
  let authority = before?.nextIndex.authority ?? 0;
  for (const node of after.nodes) {
    if (signers.has(node.signer)) continue;
    enroll('authority', authority, node.signer);
    if (!nodeKeys.has(node.nodePublicKey)) enroll('node', authority, nodeKeyAddress(node));
    authority += 1;
  }
  const validators = new Set(before?.bridgeValidators);
  let bridge = before?.nextIndex.bridge ?? 0;
  for (const address of after.bridgeValidators) {
    if (!validators.has(address)) enroll('bridge', bridge++, address);
  }
  // A bug guard: the indexes counted here must be the ones governance handed out.
  if (authority !== after.nextIndex.authority || bridge !== after.nextIndex.bridge) {
    throw new ConcordError('INTERNAL', `consortium.members.${after.name}.nextIndex`, `the key indexes revision ${revision} enrolled, counted from the revision before`);
  }
  return keys;
}

/** Every key enrolled by any member in `history` (the consortium of revisions 0..n), in enrolment order. */
export function enrolledKeysOf(history: readonly ConsortiumState[]): EnrolledKey[] {
  const keys: EnrolledKey[] = [];
  for (const [r, state] of history.entries()) {
    const previous = history[r - 1];
    for (const member of state.members) keys.push(...enrolledBetween(previous === undefined ? undefined : memberOf(previous, member.identity), member, r));
  }
  return keys;
}

/** The addresses a member uses at one revision (none if it is no member of it). */
function activeAddresses(state: ConsortiumState, identity: Address): Set<Address> {
  const member = memberOf(state, identity);
  if (member === undefined) return new Set();
  return new Set([...member.nodes.flatMap((node) => [node.signer, nodeKeyAddress(node)]), ...member.bridgeValidators]);
}

/** The member's keys at the last revision of `history`, and the keys it retired. */
export function memberKeyPlan(history: readonly ConsortiumState[], identity: Address): MemberKeyPlan {
  const last = history[history.length - 1];
  if (last === undefined) throw new ConcordError('INTERNAL', 'history', 'the consortium of revision 0 at least');
  const memberIndex = last.members.findIndex((member) => member.identity === identity);
  const member = last.members[memberIndex];
  if (member === undefined) {
    const leftAt = history.findIndex((state, r) => r > 0 && memberOf(history[r - 1] as ConsortiumState, identity) !== undefined && memberOf(state, identity) === undefined);
    throw new ConcordError('NOT_A_MEMBER', 'member', leftAt < 0 ? `the identity of a member of revision ${last.revision}` : `a member of revision ${last.revision} (it was removed in revision ${leftAt}: every key it enrolled is retired)`);
  }
  const enrolled = enrolledKeysOf(history).filter((key) => key.member === identity);
  const indexOf = (address: Address): number => {
    const key = enrolled.find((candidate) => candidate.address === address);
    if (key === undefined) throw new ConcordError('INTERNAL', 'history', `the revision that enrolled ${address}`);
    return key.index;
  };
  const nodes = member.nodes.map((node) => {
    const index = indexOf(nodeKeyAddress(node));
    return { folder: nodeFolder(index), index, signerIndex: indexOf(node.signer), node };
  });
  const bridge = member.bridgeValidators.map((address) => ({ index: indexOf(address), address }));

  const active = activeAddresses(last, identity);
  const retired = enrolled
    .filter((key) => !active.has(key.address))
    .map((key): RetiredKey => {
      const revision = history.findIndex((state, r) => r > key.revision && !activeAddresses(state, identity).has(key.address));
      const before = memberOf(history[revision - 1] as ConsortiumState, identity);
      const base = { role: key.role, index: key.index, address: key.address, keyFile: keyFile(key.role, key.index), revision };
      if (key.role === 'bridge') return { ...base, reason: 'removed', bundlePath: oracleEnvPath(key.index), replacedBy: null };
      const ran = before?.nodes.find((node) => node.signer === key.address || nodeKeyAddress(node) === key.address);
      if (ran === undefined) throw new ConcordError('INTERNAL', 'history', `the node that used ${key.address} in revision ${revision - 1}`);
      const bundlePath = `${nodeFolder(indexOf(nodeKeyAddress(ran)))}/`;
      // A signer whose node ran on (with the same p2p key) after it left was rotated out; any other key left with its node.
      const successor = key.role === 'authority' ? memberOf(history[revision] as ConsortiumState, identity)?.nodes.find((node) => node.nodePublicKey === ran.nodePublicKey) : undefined;
      if (successor === undefined) return { ...base, reason: 'removed', bundlePath, replacedBy: null };
      const now = member.nodes.find((node) => node.nodePublicKey === ran.nodePublicKey);
      return { ...base, reason: 'rotated', bundlePath, replacedBy: now === undefined ? null : keyFile('authority', indexOf(now.signer)) };
    });
  return { member, memberIndex, nodes, bridge, retired };
}

/** Why a key is retired and what to stop, in one phrase (the CLI and the member README say the same). */
export function describeRetired(key: RetiredKey): string {
  if (key.reason === 'rotated') {
    return `rotated out in revision ${key.revision}: ${key.replacedBy === null ? `${key.bundlePath} was removed since` : `${key.bundlePath} signs with ${key.replacedBy} instead`}`;
  }
  if (key.role === 'bridge') return `bridge validator removed in revision ${key.revision}: stop the oracle of ${key.bundlePath} once the bridge calls are sent`;
  return `its node was removed in revision ${key.revision}: stop ${key.bundlePath} of earlier bundles`;
}

/** A node folder or oracle env of earlier bundles that the bundle no longer has, and the revision that removed it. */
export interface RetiredPath {
  path: string;
  revision: number;
}

/** The node folders and oracle envs whose node or bridge validator the chain removed (a rotation keeps its folder). */
export function retiredPathsOf(retired: readonly RetiredKey[]): RetiredPath[] {
  return retired.filter((key) => key.role !== 'authority').map((key) => ({ path: key.bundlePath, revision: key.revision }));
}
