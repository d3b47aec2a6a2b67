/**
 * zod building blocks shared by every schema: addresses, hashes, signatures, amounts, endpoints.
 * Each says in words what a valid value is, because that text becomes ConcordError.expected.
 */
import { z } from 'zod';
import { getAddress } from 'ethers';

/** An address in lowercase or correct EIP-55 checksum, normalized to the checksummed form. */
export const addressField = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'a 0x-prefixed 20-byte address (40 hex digits)')
  .refine((value) => value === value.toLowerCase() || isChecksummed(value), 'an address in lowercase or with a correct EIP-55 checksum')
  .transform((value) => getAddress(value));

function isChecksummed(value: string): boolean {
  try {
    return getAddress(value) === value;
  } catch {
    return false;
  }
}

/** A 32-byte value as 0x + 64 lowercase hex digits. */
export const hash32Field = z.string().regex(/^0x[0-9a-f]{64}$/, 'a 32-byte value as 0x + 64 lowercase hex digits');

/** A 65-byte r ‖ s ‖ v signature as 0x + 130 lowercase hex digits. */
export const signatureField = z.string().regex(/^0x[0-9a-f]{130}$/, 'a 65-byte signature as 0x + 130 lowercase hex digits');

/** A 64-byte uncompressed secp256k1 public key without the 04 prefix (the enode id). */
export const nodePublicKeyField = z.string().regex(/^0x[0-9a-f]{128}$/, 'a 64-byte public key as 0x + 128 lowercase hex digits');

/** A non-negative integer amount in wei (or token units) as a decimal string without leading zeros. */
export const amountField = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, 'a non-negative integer as a decimal string without leading zeros');

/** A whole number in [min, max]. */
export function intField(min: number, max: number = Number.MAX_SAFE_INTEGER): z.ZodNumber {
  return z.number().int(`a whole number`).min(min).max(max);
}

/**
 * A p2p endpoint `host:port`: an IPv4 address or a DNS name, and a port in 1..65535. IPv6 is left out
 * because the enode URL form we write (`enode://id@host:port`) would need brackets.
 */
export const endpointField = z
  .string()
  .regex(
    /^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}|[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*):([1-9][0-9]{0,4})$/,
    'host:port with an IPv4 address or DNS name and a port in 1..65535',
  )
  .refine((value) => Number(value.slice(value.lastIndexOf(':') + 1)) <= 65535, 'a port in 1..65535');
