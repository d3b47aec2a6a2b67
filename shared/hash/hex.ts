/**
 * Hex strings as they appear in Concord's formats: always 0x-prefixed lowercase, with exact lengths.
 */
import { hexToBytes as nobleHexToBytes, bytesToHex as nobleBytesToHex } from '@noble/hashes/utils.js';

/** A 0x-prefixed lowercase hex string (validated where it enters; a plain string for zod's sake). */
export type Hex = string;
/** A 32-byte value as 0x + 64 lowercase hex digits. */
export type Hex32 = string;

/** The 32-byte zero value, the `prevHash` of the first transcript entry. */
export const ZERO_HASH: Hex32 = `0x${'00'.repeat(32)}`;

/** Lowercase 0x-hex of `bytes`. */
export function toHex(bytes: Uint8Array): Hex {
  return `0x${nobleBytesToHex(bytes)}`;
}

/** Bytes of a 0x-prefixed hex string (the caller has validated it). */
export function fromHex(hex: string): Uint8Array {
  return nobleHexToBytes(hex.startsWith('0x') ? hex.slice(2) : hex);
}

/** A regular expression for 0x + exactly `bytes` bytes of lowercase hex. */
export function hexPattern(bytes: number): RegExp {
  return new RegExp(`^0x[0-9a-f]{${bytes * 2}}$`);
}
