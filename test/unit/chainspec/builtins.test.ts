import { describe, expect, it } from 'vitest';
import { builtinAccounts, isBuiltinAddress } from '../../../shared/chainspec/builtins.js';

// Known answers: the last (post-Istanbul / post-Berlin) pricing entry of each precompile in
// OpenEthereum crates/ethcore/res/chainspec/xdai.json@6c2d392d867b058ff867c4373e40850ca3f96969,
// copied by hand.
const XDAI_CURRENT_PRICES: Record<string, { name: string; price: unknown }> = {
  '0x0000000000000000000000000000000000000001': { name: 'ecrecover', price: { linear: { base: 3000, word: 0 } } },
  '0x0000000000000000000000000000000000000002': { name: 'sha256', price: { linear: { base: 60, word: 12 } } },
  '0x0000000000000000000000000000000000000003': { name: 'ripemd160', price: { linear: { base: 600, word: 120 } } },
  '0x0000000000000000000000000000000000000004': { name: 'identity', price: { linear: { base: 15, word: 3 } } },
  '0x0000000000000000000000000000000000000005': { name: 'modexp', price: { modexp2565: {} } },
  '0x0000000000000000000000000000000000000006': { name: 'alt_bn128_add', price: { alt_bn128_const_operations: { price: 150 } } },
  '0x0000000000000000000000000000000000000007': { name: 'alt_bn128_mul', price: { alt_bn128_const_operations: { price: 6000 } } },
  '0x0000000000000000000000000000000000000008': {
    name: 'alt_bn128_pairing',
    price: { alt_bn128_pairing: { base: 45000, pair: 34000 } },
  },
  '0x0000000000000000000000000000000000000009': { name: 'blake2_f', price: { blake2_f: { gas_per_round: 1 } } },
};

/** OpenEthereum builtin.rs `Pricing`: each variant and its u64 fields, nothing else. */
const OPENETHEREUM_PRICING_FIELDS: Record<string, string[]> = {
  blake2_f: ['gas_per_round'],
  linear: ['base', 'word'],
  modexp: ['divisor'],
  modexp2565: [],
  alt_bn128_pairing: ['base', 'pair'],
  alt_bn128_const_operations: ['price'],
};

/**
 * Nethermind ChainSpecLoader.LoadParameters `GetTransitions`: the first pricing key of the named
 * builtin whose value satisfies `predicate`, read as decimal or else hex; null if none.
 */
function nethermindTransition(
  accounts: Record<string, { builtin: { name: string; pricing: Record<string, unknown> } }>,
  name: string,
  predicate: (pricingAt: unknown) => boolean,
): bigint | null {
  const account = Object.values(accounts).find((entry) => entry.builtin.name.toLowerCase() === name);
  if (account === undefined) return null;
  const key = Object.entries(account.builtin.pricing).find(([, value]) => predicate(value))?.[0];
  if (key === undefined) return null;
  return /^[0-9]+$/.test(key) ? BigInt(key) : BigInt(key.startsWith('0x') ? key : `0x${key}`);
}

function subProperty(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !(part in current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

describe('builtinAccounts', () => {
  it('writes the nine precompiles 0x01..0x09 in address order, with their current prices', () => {
    const accounts = builtinAccounts();
    expect(Object.keys(accounts)).toEqual(Object.keys(XDAI_CURRENT_PRICES));
    for (const [address, known] of Object.entries(XDAI_CURRENT_PRICES)) {
      const account = accounts[address as keyof typeof accounts];
      expect(account.builtin.name, address).toBe(known.name);
      expect(account.builtin.pricing, address).toEqual({ '0': { price: known.price } });
    }
  });

  it('prices in the one form OpenEthereum 3.3.5 parses: a map keyed "0", u64 JSON numbers, no activate_at', () => {
    for (const [address, account] of Object.entries(builtinAccounts())) {
      expect(Object.keys(account), address).toEqual(['balance', 'builtin']);
      expect(Object.keys(account.builtin), address).toEqual(['name', 'pricing']);
      expect(Object.keys(account.builtin.pricing), address).toEqual(['0']);
      const pricingAt = account.builtin.pricing['0'];
      expect(Object.keys(pricingAt), address).toEqual(['price']);
      const variants = Object.entries(pricingAt.price);
      expect(variants.length, address).toBe(1);
      const [variant, fields] = variants[0] as [string, Record<string, unknown>];
      expect(Object.keys(fields), address).toEqual(OPENETHEREUM_PRICING_FIELDS[variant]);
      for (const value of Object.values(fields)) {
        expect(Number.isSafeInteger(value) && (value as number) >= 0, `${address} ${variant}`).toBe(true);
      }
    }
  });

  it('gives each precompile a balance of 0x1, so each is a non-empty account in the genesis state', () => {
    for (const account of Object.values(builtinAccounts())) expect(account.balance).toBe('0x1');
  });

  it('activates EIP-152, EIP-1108 and EIP-2565 at block 0 as Nethermind derives them from the pricing', () => {
    const accounts = builtinAccounts();
    expect(nethermindTransition(accounts, 'blake2_f', (v) => subProperty(v, 'price.blake2_f.gas_per_round') === 1)).toBe(0n);
    expect(nethermindTransition(accounts, 'alt_bn128_add', (v) => subProperty(v, 'price.alt_bn128_const_operations.price') === 150)).toBe(0n);
    expect(nethermindTransition(accounts, 'alt_bn128_mul', (v) => subProperty(v, 'price.alt_bn128_const_operations.price') === 6000)).toBe(0n);
    expect(nethermindTransition(accounts, 'alt_bn128_pairing', (v) => subProperty(v, 'price.alt_bn128_pairing.base') === 45000)).toBe(0n);
    expect(nethermindTransition(accounts, 'modexp', (v) => subProperty(v, 'price.modexp2565') !== undefined)).toBe(0n);
  });

  it('returns a fresh object on every call', () => {
    const first = builtinAccounts();
    first['0x0000000000000000000000000000000000000001'].builtin.pricing['0'].price = { linear: { base: 1, word: 1 } };
    delete (first as Record<string, unknown>)['0x0000000000000000000000000000000000000002'];
    const second = builtinAccounts();
    expect(Object.keys(second)).toHaveLength(9);
    expect(second['0x0000000000000000000000000000000000000001'].builtin.pricing['0'].price).toEqual({ linear: { base: 3000, word: 0 } });
  });
});

describe('isBuiltinAddress', () => {
  it('recognizes 0x01..0x09 and nothing else', () => {
    for (let i = 1; i <= 9; i++) expect(isBuiltinAddress(`0x${i.toString(16).padStart(40, '0')}`)).toBe(true);
    for (const other of [
      `0x${'0'.repeat(40)}`,
      `0x${'0'.repeat(38)}0a`,
      `0x${'0'.repeat(38)}10`,
      `0x1${'0'.repeat(38)}1`,
      '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf',
      `0X${'0'.repeat(39)}1`,
    ]) {
      expect(isBuiltinAddress(other), other).toBe(false);
    }
  });
});
