/**
 * Transcript entries (DESIGN.md §4): entry n = {seq, prevHash, kind, member, payload, signature},
 * hash = keccak256(JCS(entry)), prevHash of entry 0 = 32 zero bytes. `payload` is the EIP-712 value the
 * `signature` signs (for Reveal, plus the contribution whose hash it signs; for Propose, the change; for
 * Vote, the permission contract signatures).
 * Member entries are signed by the member's identity; Abort and Expire entries by the coordinator.
 * After FINALIZED the same transcript continues with governance (DESIGN.md §7): Propose, Vote, Expire.
 */
import { z } from 'zod';
import { hashCanonical } from '../hash/keccak.js';
import type { Hex32 } from '../hash/hex.js';
import { addressField, hash32Field, intField, signatureField } from '../validation/fields.js';
import { contributionSchema } from '../ceremony/contribution.js';
import { changeSchema } from '../governance/change.js';
import { MAX_CONTRACT_CHANGES } from '../governance/contract-changes.js';
import { typedDigest } from '../eip712/sign.js';

const ceremonyFields = { ceremonyId: z.string().max(64), specHash: hash32Field };
const reasonField = z.string().min(1).max(500);
const consortiumFields = { ...ceremonyFields, genesisHash: hash32Field, revision: intField(0) };

/** What every Approve signs besides the ceremony: the transcript head after the last Reveal and the assembly's hashes. */
export const approvedValuesSchema = z.strictObject({
  transcriptHead: hash32Field,
  genesisHash: hash32Field,
  chainSpecHash: hash32Field,
  validatorSetHash: hash32Field,
  bridgeValidatorsHash: hash32Field,
  manifestHash: hash32Field,
});

/** The payload schema of each entry kind. */
export const payloadSchemas = {
  Accept: z.strictObject({ ...ceremonyFields }),
  Commit: z.strictObject({ ...ceremonyFields, commitment: hash32Field }),
  Reveal: z.strictObject({ ...ceremonyFields, contributionHash: hash32Field, salt: hash32Field, contribution: contributionSchema }),
  Approve: z.strictObject({ ...ceremonyFields, ...approvedValuesSchema.shape }),
  Reject: z.strictObject({ ...ceremonyFields, reason: reasonField }),
  Abort: z.strictObject({ ...ceremonyFields, reason: reasonField }),
  Propose: z.strictObject({
    ...consortiumFields,
    changeHash: hash32Field,
    activationBlock: intField(0),
    /** Unix seconds. */
    votingDeadline: intField(1),
    change: changeSchema,
  }),
  Vote: z.strictObject({
    ...consortiumFields,
    proposalHash: hash32Field,
    approve: z.boolean(),
    contractSignaturesHash: hash32Field,
    /** The voter's signatures over the proposal's permission contract changes, in order (shared/governance/contract-changes.ts). */
    contractSignatures: z.array(signatureField).max(MAX_CONTRACT_CHANGES),
  }),
  Expire: z.strictObject({ ...ceremonyFields, proposalHash: hash32Field }),
} as const;

/** What a transcript entry records. */
export type EntryKind = keyof typeof payloadSchemas;
/** The entry kinds a member may submit (Abort and Expire are the coordinator's). */
export const MEMBER_ENTRY_KINDS = ['Accept', 'Commit', 'Reveal', 'Approve', 'Reject', 'Propose', 'Vote'] as const satisfies readonly EntryKind[];
export type MemberEntryKind = (typeof MEMBER_ENTRY_KINDS)[number];

/** The payload of an entry of kind K. */
export type Payload<K extends EntryKind> = z.infer<(typeof payloadSchemas)[K]>;

/** The schema of one transcript entry of kind K (a revision artifact embeds Propose and Vote entries). */
export function entrySchema<K extends EntryKind>(kind: K) {
  return z.strictObject({
    seq: intField(0),
    prevHash: hash32Field,
    kind: z.literal(kind),
    member: addressField,
    payload: payloadSchemas[kind],
    signature: signatureField,
  });
}

/** One transcript entry, validated. */
export const transcriptEntrySchema = z.discriminatedUnion('kind', [
  entrySchema('Accept'),
  entrySchema('Commit'),
  entrySchema('Reveal'),
  entrySchema('Approve'),
  entrySchema('Reject'),
  entrySchema('Abort'),
  entrySchema('Propose'),
  entrySchema('Vote'),
  entrySchema('Expire'),
]);
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;

/** keccak256(JCS(entry)): the entry's hash and the next entry's prevHash. */
export function hashEntry(entry: TranscriptEntry): Hex32 {
  return hashCanonical(entry);
}

/** A signed message as a member (or, for Abort, the coordinator) makes it: its kind and payload. */
export type SignedMessage = { [K in EntryKind]: { kind: K; payload: Payload<K> } }[EntryKind];

/**
 * The EIP-712 digest a message's signature signs: its payload as the typed message of its kind, less
 * a Reveal's contribution, a Propose's change and a Vote's contract signatures (which they sign by
 * hash). Entries are messages too.
 */
export function messageDigest(message: SignedMessage): Uint8Array {
  switch (message.kind) {
    case 'Reveal': {
      const { contribution: _contribution, ...value } = message.payload;
      return typedDigest('Reveal', value);
    }
    case 'Accept':
      return typedDigest('Accept', message.payload);
    case 'Commit':
      return typedDigest('Commit', message.payload);
    case 'Approve':
      return typedDigest('Approve', message.payload);
    case 'Reject':
      return typedDigest('Reject', message.payload);
    case 'Abort':
      return typedDigest('Abort', message.payload);
    case 'Propose': {
      const { change: _change, ...value } = message.payload;
      return typedDigest('Propose', value);
    }
    case 'Vote': {
      const { contractSignatures: _contractSignatures, ...value } = message.payload;
      return typedDigest('Vote', value);
    }
    case 'Expire':
      return typedDigest('Expire', message.payload);
  }
}
