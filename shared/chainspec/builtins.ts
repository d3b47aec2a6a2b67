/**
 * The precompiled contracts 0x01..0x09 as `accounts` entries of a Parity-style chain spec, priced as of
 * London (Istanbul's EIP-152 and EIP-1108, Berlin's EIP-2565), all active from block 0.
 *
 * The one shape both clients read:
 * - OpenEthereum v3.3.5 `crates/ethjson/src/spec/builtin.rs`: `BuiltinCompat {name, pricing,
 *   activate_at}` with `deny_unknown_fields`; `pricing` is either one `Pricing` or a map from activation
 *   block to `PricingAt {info?, price}`; every price field is a `u64`, so a JSON number (a hex string
 *   does not parse). The map form is used here, keyed `"0"`, as in OpenEthereum's
 *   `crates/ethcore/res/chainspec/xdai.json` and `test/london_test.json`; `activate_at` is left out
 *   because OpenEthereum reads it only for the single form and Nethermind never.
 * - Nethermind `src/Nethermind/Nethermind.Specs/ChainSpecStyle/ChainSpecLoader.cs` (`LoadParameters`):
 *   the precompiles and their prices are Nethermind's own, switched by fork flags, but it takes
 *   EIP-152, EIP-1108 and EIP-2565 from these entries: the first pricing key whose value has
 *   `price.blake2_f.gas_per_round` = 1 (`blake2_f`), `price.alt_bn128_const_operations.price` = 150
 *   (`alt_bn128_add`), or a `price.modexp2565` (`modexp`). In the single form there is no such key and
 *   those EIPs would never activate; OpenEthereum refuses the `eip152Transition`-style params instead.
 *
 * Prices: Yellow Paper appendix E (0x01..0x04), EIP-2565 (modexp), EIP-1108 (alt_bn128), EIP-152
 * (blake2_f); the same numbers as the post-Istanbul/Berlin entries of OpenEthereum's `xdai.json`.
 *
 * Each entry also carries `"balance": "0x1"`. A builtin without a balance is not in the genesis state
 * (both clients skip it: OpenEthereum `spec/account.rs` `is_empty`, Nethermind `LoadAllocations`); with
 * one it is. One wei makes every precompile a non-empty account from genesis, so EIP-161 state clearing
 * never creates or deletes one when it is called: the touch-and-revert of an empty precompile is where
 * clients have split before (EIP-716, the RIPEMD-160 case). It also matches OpenEthereum's chain specs
 * (1 wei on 0x01..0x04) and go-ethereum's dev genesis (`core/genesis.go` `DeveloperGenesisBlock`, 1 wei
 * on 0x01..0x09). The cost is nine wei that nobody can spend, included in the genesis state root.
 */

/** The name OpenEthereum gives each precompile (Nethermind matches on it for the three EIPs above). */
export type BuiltinName =
  | 'ecrecover'
  | 'sha256'
  | 'ripemd160'
  | 'identity'
  | 'modexp'
  | 'alt_bn128_add'
  | 'alt_bn128_mul'
  | 'alt_bn128_pairing'
  | 'blake2_f';

/** One OpenEthereum `Pricing` variant, snake_case as `builtin.rs` spells it; every number is gas. */
export type BuiltinPrice =
  | { linear: { base: number; word: number } }
  | { modexp2565: Record<string, never> }
  | { alt_bn128_const_operations: { price: number } }
  | { alt_bn128_pairing: { base: number; pair: number } }
  | { blake2_f: { gas_per_round: number } };

/** A `builtin` object: one pricing, active from block 0. */
export interface Builtin {
  name: BuiltinName;
  pricing: { '0': { price: BuiltinPrice } };
}

/** The `accounts` entry of a precompile. */
export interface BuiltinAccount {
  balance: '0x1';
  builtin: Builtin;
}

/** The address of a precompile Concord writes. */
export type BuiltinAddress =
  | '0x0000000000000000000000000000000000000001'
  | '0x0000000000000000000000000000000000000002'
  | '0x0000000000000000000000000000000000000003'
  | '0x0000000000000000000000000000000000000004'
  | '0x0000000000000000000000000000000000000005'
  | '0x0000000000000000000000000000000000000006'
  | '0x0000000000000000000000000000000000000007'
  | '0x0000000000000000000000000000000000000008'
  | '0x0000000000000000000000000000000000000009';

function builtinAccount(name: BuiltinName, price: BuiltinPrice): BuiltinAccount {
  return { balance: '0x1', builtin: { name, pricing: { '0': { price } } } };
}

/**
 * The nine precompile accounts, keyed by address in address order. A fresh object on every call, so a
 * caller may change its copy.
 */
export function builtinAccounts(): Record<BuiltinAddress, BuiltinAccount> {
  return {
    '0x0000000000000000000000000000000000000001': builtinAccount('ecrecover', { linear: { base: 3000, word: 0 } }),
    '0x0000000000000000000000000000000000000002': builtinAccount('sha256', { linear: { base: 60, word: 12 } }),
    '0x0000000000000000000000000000000000000003': builtinAccount('ripemd160', { linear: { base: 600, word: 120 } }),
    '0x0000000000000000000000000000000000000004': builtinAccount('identity', { linear: { base: 15, word: 3 } }),
    '0x0000000000000000000000000000000000000005': builtinAccount('modexp', { modexp2565: {} }),
    '0x0000000000000000000000000000000000000006': builtinAccount('alt_bn128_add', {
      alt_bn128_const_operations: { price: 150 },
    }),
    '0x0000000000000000000000000000000000000007': builtinAccount('alt_bn128_mul', {
      alt_bn128_const_operations: { price: 6000 },
    }),
    '0x0000000000000000000000000000000000000008': builtinAccount('alt_bn128_pairing', {
      alt_bn128_pairing: { base: 45000, pair: 34000 },
    }),
    '0x0000000000000000000000000000000000000009': builtinAccount('blake2_f', { blake2_f: { gas_per_round: 1 } }),
  };
}

/** Whether `address` is one of the nine precompile addresses above. */
export function isBuiltinAddress(address: string): address is BuiltinAddress {
  return /^0x0{39}[1-9]$/.test(address);
}
