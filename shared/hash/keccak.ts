/**
 * Keccak-256 (the pre-NIST padding Ethereum uses) over bytes, text and canonical JSON.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalize } from '../canonical/jcs.js';
import type { Hex32 } from './hex.js';

/** keccak256 of raw bytes, as 0x-prefixed lowercase hex. */
export function keccakHex(data: Uint8Array): Hex32 {
  return `0x${bytesToHex(keccak_256(data))}`;
}

/** keccak256 of the RFC 8785 canonical JSON of `value`: how every structure in Concord is hashed. */
export function hashCanonical(value: unknown): Hex32 {
  return keccakHex(utf8ToBytes(canonicalize(value)));
}
