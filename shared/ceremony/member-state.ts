/**
 * A member's own record of its part in a ceremony (`ceremony.json` in its folder, mode 0600): the
 * contribution and the salt it committed to. Written before the Commit is sent, so a restarted client
 * reveals exactly what it committed to and never makes new keys.
 */
import { z } from 'zod';
import { addressField, hash32Field } from '../validation/fields.js';
import { contributionSchema } from './contribution.js';

export const MEMBER_STATE_FORMAT = 'concord/member-state@1';

export const memberStateSchema = z.strictObject({
  format: z.literal(MEMBER_STATE_FORMAT),
  ceremonyId: z.string(),
  specHash: hash32Field,
  member: addressField,
  salt: hash32Field,
  contribution: contributionSchema,
});

export type MemberState = z.infer<typeof memberStateSchema>;
