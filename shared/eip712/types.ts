/**
 * Every EIP-712 typed message of Concord, in one place (as charon `cluster/eip712sigs.go` keeps
 * its own). Domain: name `Concord`, version `1`, nothing else, so that any EIP-712 signer
 * (a hardware wallet included) can sign them. Each member message binds `ceremonyId` and
 * `specHash`, so a signature cannot be replayed in another ceremony or against another spec.
 */
import type { TypedDataField } from 'ethers';

/** The EIP-712 domain of every Concord signature. */
export const CONCORD_DOMAIN = { name: 'Concord', version: '1' } as const;

const CEREMONY = [
  { name: 'ceremonyId', type: 'string' },
  { name: 'specHash', type: 'bytes32' },
] as const;

/** Governance messages also bind the genesis hash and the revision they are made against (DESIGN.md §7). */
const CONSORTIUM = [...CEREMONY, { name: 'genesisHash', type: 'bytes32' }, { name: 'revision', type: 'uint256' }] as const;

/** The struct definitions, keyed by primary type. */
export const TYPED_MESSAGES = {
  /** A member proves it holds its identity key by signing the coordinator's connection nonce. */
  Auth: [
    { name: 'ceremonyId', type: 'string' },
    { name: 'coordinator', type: 'address' },
    { name: 'nonce', type: 'bytes32' },
  ],
  Accept: [...CEREMONY],
  Commit: [...CEREMONY, { name: 'commitment', type: 'bytes32' }],
  Reveal: [...CEREMONY, { name: 'contributionHash', type: 'bytes32' }, { name: 'salt', type: 'bytes32' }],
  Approve: [
    ...CEREMONY,
    { name: 'transcriptHead', type: 'bytes32' },
    { name: 'genesisHash', type: 'bytes32' },
    { name: 'chainSpecHash', type: 'bytes32' },
    { name: 'validatorSetHash', type: 'bytes32' },
    { name: 'bridgeValidatorsHash', type: 'bytes32' },
    { name: 'manifestHash', type: 'bytes32' },
  ],
  Reject: [...CEREMONY, { name: 'reason', type: 'string' }],
  /** Signed by an enrolled key itself (not the member identity): the proof of possession. */
  ProofOfPossession: [
    ...CEREMONY,
    { name: 'member', type: 'address' },
    { name: 'role', type: 'string' },
    { name: 'index', type: 'uint256' },
  ],
  /** The coordinator's acknowledgement of an accepted transcript entry. */
  Receipt: [
    { name: 'ceremonyId', type: 'string' },
    { name: 'seq', type: 'uint256' },
    { name: 'entryHash', type: 'bytes32' },
  ],
  /** The coordinator's signature over a deadline or other coordinator-made transcript entry. */
  Abort: [...CEREMONY, { name: 'reason', type: 'string' }],
  /** The coordinator's signature over the final artifact's body. */
  Artifact: [...CEREMONY, { name: 'bodyHash', type: 'bytes32' }],
  /** A member's proposal to change the consortium; the change itself is signed by hash (like a Reveal's contribution). */
  Propose: [
    ...CONSORTIUM,
    { name: 'changeHash', type: 'bytes32' },
    { name: 'activationBlock', type: 'uint256' },
    { name: 'votingDeadline', type: 'uint256' },
  ],
  /**
   * A member's vote on a proposal (the hash of its Propose transcript entry), for the revision it was made
   * against. A yes-vote on a proposal that changes what the permission contract stores also carries the
   * member's signatures over those changes, under the contract's own EIP-712 domain; the Vote signs them
   * by hash (keccak256 of their canonical JSON, `[]` when there are none), as a Propose signs its change.
   */
  Vote: [...CONSORTIUM, { name: 'proposalHash', type: 'bytes32' }, { name: 'approve', type: 'bool' }, { name: 'contractSignaturesHash', type: 'bytes32' }],
  /** The coordinator's record that a proposal's voting deadline passed. */
  Expire: [...CEREMONY, { name: 'proposalHash', type: 'bytes32' }],
  /** The coordinator's signature over a revision artifact's body. */
  Revision: [...CEREMONY, { name: 'revision', type: 'uint256' }, { name: 'bodyHash', type: 'bytes32' }],
} as const satisfies Record<string, readonly TypedDataField[]>;

export type TypedMessageKind = keyof typeof TYPED_MESSAGES;

type FieldValue<T extends string> = T extends 'uint256' ? number : T extends 'bool' ? boolean : string;
type FieldsOf<F extends readonly TypedDataField[]> = {
  [K in F[number] as K['name']]: FieldValue<K['type']>;
};

/** The value of a typed message of kind `K`, e.g. `TypedValue<'Accept'>` is `{ceremonyId, specHash}`. */
export type TypedValue<K extends TypedMessageKind> = FieldsOf<(typeof TYPED_MESSAGES)[K]>;
