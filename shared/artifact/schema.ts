/**
 * The signed genesis artifact, version 1 (DESIGN.md §5): one JSON file that carries the spec, the whole
 * transcript (every member's Accept, Commit, Reveal and Approve with signatures), everything assembled
 * from them, and the coordinator's signature over all of it. Anyone can check it offline with
 * `verifyArtifact`. A later version gets a file of its own beside this one.
 */
import { z } from 'zod';
import { addressField, hash32Field, intField, signatureField } from '../validation/fields.js';
import { transcriptEntrySchema } from '../transcript/entry.js';
import { MANIFEST_FORMAT } from '../bundle/manifest.js';

export const ARTIFACT_FORMAT = 'concord/genesis-artifact@1';

const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  files: z.array(z.strictObject({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits'), bytes: intField(0) })),
});

/** Everything the coordinator signs. */
export const artifactBodySchema = z.strictObject({
  format: z.literal(ARTIFACT_FORMAT),
  /** The spec as agreed; re-validated and re-hashed by `verify`. */
  spec: z.unknown(),
  specHash: hash32Field,
  transcript: z.array(transcriptEntrySchema),
  /** The transcript head after the last Reveal: what every Approve signs. */
  transcriptHead: hash32Field,
  genesisHash: hash32Field,
  chainSpec: z.unknown(),
  validators: z.array(addressField),
  enodes: z.array(z.string()),
  bridge: z.strictObject({ validators: z.array(addressField), requiredSignatures: intField(1) }).nullable(),
  publicManifest: manifestSchema,
  hashes: z.strictObject({
    genesisHash: hash32Field,
    chainSpecHash: hash32Field,
    validatorSetHash: hash32Field,
    bridgeValidatorsHash: hash32Field,
    manifestHash: hash32Field,
  }),
});

export const artifactSchema = artifactBodySchema.extend({ coordinatorSignature: signatureField });

export type ArtifactBody = z.infer<typeof artifactBodySchema>;
export type GenesisArtifact = z.infer<typeof artifactSchema>;
