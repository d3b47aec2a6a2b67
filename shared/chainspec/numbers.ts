/**
 * Integers and hex byte strings in a Parity-style chain spec, read the way OpenEthereum and Nethermind
 * both read them; a form the two read differently is refused rather than guessed.
 *
 * - OpenEthereum `crates/ethjson/src/uint.rs` (`Uint`): a JSON number up to u64, or a string: `0x` + hex
 *   (`U256::from_str`, at most 64 digits), otherwise decimal (`U256::from_dec_str`). `0X`, signs,
 *   fractions and exponents do not parse.
 * - Nethermind `Nethermind.Serialization.Json/UInt256Converter.cs`: a string that starts with `0` but
 *   not `0x` is read as hex, so `"010"` is 16 there and 10 in OpenEthereum: refused.
 * - OpenEthereum `crates/ethjson/src/hash.rs` / `bytes.rs`: hashes, addresses and bytes are hex with an
 *   optional `0x`; Nethermind `Bytes.FromHexString` likewise.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { ConcordError } from '../errors.js';

/** How wide an integer field is: 63 for a C# `long`, 64 for a u64/`ulong`, 256 for a U256. */
export type IntegerBits = 63 | 64 | 256;

/** How an integer field may be written. */
export interface IntegerOptions {
  /** the field's width; the value must be below 2^bits (default 256) */
  bits?: IntegerBits;
  /**
   * Only `0x` hex strings: for storage keys and values, which Nethermind reads as hex even without
   * `0x` (`AllocationJson.GetConvertedStorage`) and never as JSON numbers.
   */
  hexOnly?: boolean;
}

const HEX_INTEGER = /^0x[0-9a-fA-F]{1,64}$/;
const DECIMAL_INTEGER = /^(0|[1-9][0-9]*)$/;
const DECIMAL_WITH_LEADING_ZERO = /^0[0-9]+$/;
const HEX_BYTES = /^(0x)?((?:[0-9a-fA-F]{2})*)$/;

function integerExpected(bits: IntegerBits, hexOnly: boolean): string {
  const forms = hexOnly
    ? '0x followed by 1 to 64 hex digits'
    : 'a string of 0x followed by 1 to 64 hex digits, a decimal string without leading zeros, or a non-negative safe-integer JSON number';
  return `${forms}, below 2^${bits}`;
}

/**
 * Reads a chain-spec integer: `"0x…"` (1 to 64 hex digits, either case), a decimal string, or a JSON
 * number that is a non-negative safe integer. Throws CHAINSPEC_INVALID for anything else, and
 * CHAINSPEC_UNSUPPORTED for the forms the two clients read differently (decimal with leading zeros;
 * with `hexOnly`, any decimal or JSON number).
 */
export function parseSpecInteger(value: unknown, path: string, options: IntegerOptions = {}): bigint {
  const bits = options.bits ?? 256;
  const hexOnly = options.hexOnly ?? false;
  const expected = integerExpected(bits, hexOnly);
  let parsed: bigint;
  if (typeof value === 'string' && HEX_INTEGER.test(value)) {
    parsed = BigInt(value);
  } else if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) {
    if (hexOnly) {
      throw new ConcordError('CHAINSPEC_UNSUPPORTED', path, `${expected} (a decimal string here is hex to Nethermind and decimal to OpenEthereum)`);
    }
    parsed = BigInt(value);
  } else if (typeof value === 'string' && DECIMAL_WITH_LEADING_ZERO.test(value)) {
    throw new ConcordError('CHAINSPEC_UNSUPPORTED', path, `${expected} (with a leading zero Nethermind reads it as hex, OpenEthereum as decimal)`);
  } else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0)) {
    if (hexOnly) {
      throw new ConcordError('CHAINSPEC_UNSUPPORTED', path, `${expected} (Nethermind refuses JSON numbers here)`);
    }
    parsed = BigInt(value);
  } else {
    throw new ConcordError('CHAINSPEC_INVALID', path, expected);
  }
  if (parsed >= 1n << BigInt(bits)) throw new ConcordError('CHAINSPEC_INVALID', path, expected);
  return parsed;
}

/**
 * Reads a hex byte string with an optional lowercase `0x`: exactly `length` bytes when given (an address
 * is 20, a hash 32, an Aura seal signature 65), any whole number of bytes otherwise (`code`, `extraData`).
 */
export function parseHexBytes(value: unknown, path: string, length?: number): Uint8Array {
  const expected =
    length === undefined
      ? 'a hex string of whole bytes (an even number of hex digits, 0x optional)'
      : `a hex string of exactly ${length} bytes (${2 * length} hex digits, 0x optional)`;
  const match = typeof value === 'string' ? HEX_BYTES.exec(value) : null;
  const digits = match?.[2];
  if (digits === undefined || (length !== undefined && digits.length !== 2 * length)) {
    throw new ConcordError('CHAINSPEC_INVALID', path, expected);
  }
  return hexToBytes(digits);
}
