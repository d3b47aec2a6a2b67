import fc from 'fast-check';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { parseHexBytes, parseSpecInteger } from '../../../shared/chainspec/numbers.js';
import type { IntegerOptions } from '../../../shared/chainspec/numbers.js';
import { ConcordError } from '../../../shared/errors.js';

function thrown(fn: () => unknown): ConcordError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConcordError) return err;
    throw err;
  }
  throw new Error('expected a ConcordError');
}

const MAX_U256 = (1n << 256n) - 1n;

describe('parseSpecInteger', () => {
  const valid: [unknown, bigint, IntegerOptions?][] = [
    ['0x0', 0n],
    ['0x5B8D80', 6000000n],
    ['0x5b8d80', 6000000n],
    ['0x0000000000000000000000000000000000000000000000000000000000000001', 1n],
    [`0x${'f'.repeat(64)}`, MAX_U256],
    ['0', 0n],
    ['100', 100n],
    ['1606938044258990275541962092341162602522202993782792835301376', 2n ** 200n],
    [MAX_U256.toString(), MAX_U256],
    [0, 0n],
    [5, 5n],
    [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
    ['0x7fffffffffffffff', (1n << 63n) - 1n, { bits: 63 }],
    ['18446744073709551615', (1n << 64n) - 1n, { bits: 64 }],
    ['0x01', 1n, { hexOnly: true }],
  ];
  it.each(valid)('reads %j', (input, want, options) => {
    expect(parseSpecInteger(input, 'x', options)).toBe(want);
  });

  const invalid: [string, unknown, IntegerOptions?][] = [
    ['uppercase 0X', '0X10'],
    ['empty string', ''],
    ['bare 0x', '0x'],
    ['65 hex digits', `0x${'1'.repeat(65)}`],
    ['non-hex digit', '0x1g'],
    ['negative decimal string', '-1'],
    ['plus sign', '+1'],
    ['fraction string', '1.5'],
    ['exponent string', '1e3'],
    ['whitespace', ' 1'],
    ['2^256 as decimal', (1n << 256n).toString()],
    ['negative number', -1],
    ['negative zero', -0],
    ['fraction number', 1.5],
    ['unsafe number', 2 ** 53],
    ['NaN', Number.NaN],
    ['null', null],
    ['boolean', true],
    ['bigint', 1n],
    ['array', ['0x1']],
    ['2^63 for a long', '0x8000000000000000', { bits: 63 }],
    ['2^64 for a u64', '18446744073709551616', { bits: 64 }],
  ];
  it.each(invalid)('refuses %s as CHAINSPEC_INVALID, naming the path', (_name, input, options) => {
    const err = thrown(() => parseSpecInteger(input, 'params.eip155Transition', options));
    expect(err.code).toBe('CHAINSPEC_INVALID');
    expect(err.path).toBe('params.eip155Transition');
  });

  const unsupported: [string, unknown, IntegerOptions?][] = [
    ['a decimal string with a leading zero', '010'],
    ['a decimal string where only hex is read alike', '10', { hexOnly: true }],
    ['a JSON number where Nethermind takes strings only', 1, { hexOnly: true }],
  ];
  it.each(unsupported)('refuses %s as CHAINSPEC_UNSUPPORTED', (_name, input, options) => {
    const err = thrown(() => parseSpecInteger(input, 'a.b', options));
    expect(err.code).toBe('CHAINSPEC_UNSUPPORTED');
    expect(err.path).toBe('a.b');
  });

  it('says what is expected without echoing the value', () => {
    const err = thrown(() => parseSpecInteger('0Xdeadbeef', 'genesis.difficulty'));
    expect(err.message).toBe(
      'CHAINSPEC_INVALID at genesis.difficulty: expected a string of 0x followed by 1 to 64 hex digits, a decimal string without leading zeros, or a non-negative safe-integer JSON number, below 2^256',
    );
    expect(err.message).not.toContain('deadbeef');
  });

  it('reads any U256 alike in hex and decimal', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_U256 }), fc.boolean(), (n, upper) => {
        const hex = n.toString(16);
        expect(parseSpecInteger(`0x${upper ? hex.toUpperCase() : hex}`, 'x')).toBe(n);
        expect(parseSpecInteger(n.toString(), 'x')).toBe(n);
      }),
    );
  });

  it('reads every non-negative safe-integer JSON number', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(parseSpecInteger(n, 'x')).toBe(BigInt(n));
      }),
    );
  });
});

describe('parseHexBytes', () => {
  it.each([
    ['0x', undefined, ''],
    ['', undefined, ''],
    ['0x00A3', undefined, '00a3'],
    ['00a3', undefined, '00a3'],
    ['0x00521965e7bd230323c423d96c657db5b79d099f', 20, '00521965e7bd230323c423d96c657db5b79d099f'],
    ['00521965E7BD230323C423D96C657DB5B79D099F', 20, '00521965e7bd230323c423d96c657db5b79d099f'],
  ] as const)('reads %j (length %j)', (input, length, want) => {
    expect(bytesToHex(parseHexBytes(input, 'x', length))).toBe(want);
  });

  it.each([
    ['an address of 19 bytes', `0x${'11'.repeat(19)}`, 20],
    ['an address of 21 bytes', `0x${'11'.repeat(21)}`, 20],
    ['a hash of 31 bytes', `0x${'11'.repeat(31)}`, 32],
    ['a signature of 64 bytes', `0x${'00'.repeat(64)}`, 65],
    ['an empty address', '0x', 20],
    ['odd hex digits', '0x123', undefined],
    ['non-hex', '0xzz', undefined],
    ['uppercase 0X', '0X12', undefined],
    ['a number', 12, undefined],
    ['null', null, undefined],
  ] as const)('refuses %s', (_name, input, length) => {
    const err = thrown(() => parseHexBytes(input, 'accounts.0x01.code', length));
    expect(err.code).toBe('CHAINSPEC_INVALID');
    expect(err.path).toBe('accounts.0x01.code');
  });
});
