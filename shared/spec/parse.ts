/**
 * Loading a ceremony spec: validate and normalize, then hash. `specHash` is keccak-256 of the RFC 8785
 * canonical JSON of the *normalized* spec (DESIGN.md §2), so a spec written with lowercase addresses
 * or without defaults hashes the same as its normalized form.
 */
import { parseWith } from '../validation/zod.js';
import { hashCanonical } from '../hash/keccak.js';
import type { Hex32 } from '../hash/hex.js';
import { ceremonySpecSchema, type CeremonySpec } from './schema.js';

/** Validates a parsed JSON value as a ceremony spec; throws ConcordError('SPEC_INVALID') naming the field. */
export function parseSpec(input: unknown, rootPath = 'spec'): CeremonySpec {
  return parseWith(ceremonySpecSchema, input, 'SPEC_INVALID', rootPath);
}

/** keccak256(JCS(spec)) of a validated spec. */
export function hashSpec(spec: CeremonySpec): Hex32 {
  return hashCanonical(spec);
}
