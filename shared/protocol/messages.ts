/**
 * The websocket protocol between member clients, observers and the coordinator: one zod schema per
 * frame, defined once for both sides (as lodestar's `routes/*.ts` serve its client and server).
 *
 *   client                          coordinator
 *   hello{ceremonyId, role, member} ->
 *                                   <- challenge{nonce, coordinator}      (members only)
 *   auth{signature of Auth}         ->
 *                                   <- welcome{spec, specHash, status}
 *   submit{id, kind, payload, sig}  ->                                    (ceremony messages; Propose and Vote once FINALIZED)
 *                                   <- receipt{id, receipt} | error{id, code, path, expected}
 *   transcript{id, fromSeq}         ->
 *                                   <- transcript{id, entries}
 *                                   <- status{status}                     (pushed on every change)
 */
import { z } from 'zod';
import { addressField, hash32Field, intField, signatureField } from '../validation/fields.js';
import { approvedValuesSchema, MEMBER_ENTRY_KINDS, transcriptEntrySchema } from '../transcript/entry.js';
import { PHASES } from '../ceremony/reducer.js';
import type { ErrorCode } from '../errors.js';

/** The largest frame the coordinator reads (ws `maxPayload`): a reveal of 16 nodes and 16 bridge validators fits many times. */
export const MAX_FRAME_BYTES = 256 * 1024;

const requestId = intField(0, 2 ** 31);

export const clientFrameSchema = z.discriminatedUnion('type', [
  /** `member` is required for the member role and absent for observers (checked by the coordinator). */
  z.strictObject({ type: z.literal('hello'), ceremonyId: z.string().max(64), role: z.enum(['member', 'observer']), member: addressField.optional() }),
  z.strictObject({ type: z.literal('auth'), signature: signatureField }),
  z.strictObject({ type: z.literal('submit'), id: requestId, kind: z.enum(MEMBER_ENTRY_KINDS), payload: z.unknown(), signature: signatureField }),
  z.strictObject({ type: z.literal('transcript'), id: requestId, fromSeq: intField(0) }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** A coordinator-signed acknowledgement: `Receipt{ceremonyId, seq, entryHash}` (DESIGN.md §3). */
export const receiptSchema = z.strictObject({ ceremonyId: z.string(), seq: intField(0), entryHash: hash32Field, signature: signatureField });
export type Receipt = z.infer<typeof receiptSchema>;

const memberStatusSchema = z.strictObject({
  identity: addressField,
  name: z.string(),
  accepted: z.boolean(),
  committed: z.boolean(),
  revealed: z.boolean(),
  approved: z.boolean(),
});

/** What anyone (observers included) may know of a ceremony at a moment: nothing secret. */
export const statusSchema = z.strictObject({
  ceremonyId: z.string(),
  specHash: hash32Field,
  phase: z.enum(PHASES),
  seq: intField(0),
  head: hash32Field,
  members: z.array(memberStatusSchema),
  waitingFor: z.array(addressField),
  /** When the current phase's deadline passes (ms since the epoch), while the ceremony runs. */
  deadlineMs: z.number().nullable(),
  /** The values the coordinator assembled, once every member has revealed. */
  assembly: approvedValuesSchema.nullable(),
  abort: z.strictObject({ by: addressField, reason: z.string() }).nullable(),
  /** Once FINALIZED: the current revision (0 = genesis) and the proposals open for votes. */
  governance: z.strictObject({ revision: intField(0), open: z.array(hash32Field) }).nullable(),
});
export type CeremonyStatus = z.infer<typeof statusSchema>;

const errorCodeField = z.string() as z.ZodType<ErrorCode>;

export const serverFrameSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('challenge'), ceremonyId: z.string(), coordinator: addressField, nonce: hash32Field }),
  z.strictObject({ type: z.literal('welcome'), spec: z.unknown(), specHash: hash32Field, status: statusSchema }),
  z.strictObject({ type: z.literal('receipt'), id: requestId, receipt: receiptSchema }),
  z.strictObject({ type: z.literal('transcript'), id: requestId, entries: z.array(transcriptEntrySchema) }),
  z.strictObject({ type: z.literal('status'), status: statusSchema }),
  z.strictObject({ type: z.literal('error'), id: requestId.nullable(), code: errorCodeField, path: z.string(), expected: z.string() }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;
