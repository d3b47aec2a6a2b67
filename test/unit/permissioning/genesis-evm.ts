/**
 * An @ethereumjs/evm whose state is the genesis `accounts` of a chain spec, read here without
 * shared/genesis (so that the state root it reaches is an independent computation), and calls to the
 * permission contract the way the clients make them: from 0x0, at the genesis state, with Nethermind's
 * gas cap (`Contract.DefaultContractGasLimit`, 1,600,000; OpenEthereum gives 50,000,000).
 */
import { createCustomCommon, Mainnet } from '@ethereumjs/common';
import { createEVM, type EVM } from '@ethereumjs/evm';
import { MerkleStateManager } from '@ethereumjs/statemanager';
import { createAccount, createAddressFromString, hexToBytes, unpadBytes, type PrefixedHexString } from '@ethereumjs/util';
import { Interface } from 'ethers';
import type { EvmLevel } from '../../../shared/chainspec/evm-levels.js';
import { PERMISSIONS_ABI } from '../../../shared/permissioning/bytecode.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../../../shared/permissioning/account.js';
import { TX_BASIC, TX_CALL, TX_CREATE } from '../../../shared/permissioning/policy.js';

/** The contract's ABI, for encoding calls and decoding results and custom errors. */
export const CONTRACT = new Interface(PERMISSIONS_ABI);

/** Nethermind's gas for calls to system contracts. */
export const CONTRACT_CALL_GAS = 1_600_000n;

const ZERO = `0x${'00'.repeat(20)}`;

type Json = Record<string, unknown>;

/** The result of one call: the return data, or the custom error it reverted with. */
export interface CallOutcome {
  ok: boolean;
  returnValue: Uint8Array;
  /** the name of the custom error, when it reverted with one */
  error: string | null;
  gasUsed: bigint;
}

/** What the two clients decide for one transaction. */
export interface Verdict {
  mask: number;
  cache: boolean;
  allowed: boolean;
}

/** An EVM at a chain spec's genesis state. */
export interface GenesisEvm {
  evm: EVM;
  state: MerkleStateManager;
  /** Calls `to` with `data` from `caller` (its nonce untouched); state changes stay unless the call reverts. */
  call(caller: string, to: string, data: string, gas?: bigint): Promise<CallOutcome>;
  /** Calls a view of the permission contract and decodes its result. */
  view(name: string, args?: unknown[]): Promise<unknown[]>;
  /**
   * The clients' decision on a transaction by `sender` to `to` (null: a creation): the type from
   * whether `to` has code in this state, then OpenEthereum's `mask & type != 0` (tx_filter.rs) and
   * Nethermind's `(mask & type) == type` (PermissionBasedTxFilter.cs), which must agree.
   */
  verdict(sender: string, to: string | null): Promise<Verdict>;
}

function quantity(value: unknown): bigint {
  return value === undefined ? 0n : BigInt(value as string);
}

/** Loads `accounts` of a chain spec into a fresh Merkle state and an EVM at `level` for `chainId`. */
export async function genesisEvm(chainSpec: unknown, chainId: bigint, level: EvmLevel): Promise<GenesisEvm> {
  const state = new MerkleStateManager();
  const accounts = (chainSpec as Json).accounts as Record<string, Json>;
  for (const [key, entry] of Object.entries(accounts)) {
    if (entry.builtin !== undefined && entry.balance === undefined) continue;
    const address = createAddressFromString(key);
    await state.putAccount(address, createAccount({ nonce: quantity(entry.nonce), balance: quantity(entry.balance) }));
    if (typeof entry.code === 'string') await state.putCode(address, hexToBytes(entry.code as PrefixedHexString));
    for (const [slot, value] of Object.entries((entry.storage as Record<string, string> | undefined) ?? {})) {
      await state.putStorage(address, hexToBytes(slot as PrefixedHexString), unpadBytes(hexToBytes(value as PrefixedHexString)));
    }
  }
  const common = createCustomCommon({ chainId: Number(chainId) }, Mainnet, { hardfork: level });
  const evm = await createEVM({ common, stateManager: state });

  const call = async (caller: string, to: string, data: string, gas: bigint = 5_000_000n): Promise<CallOutcome> => {
    const result = await evm.runCall({
      caller: createAddressFromString(caller),
      to: createAddressFromString(to),
      data: hexToBytes(data as PrefixedHexString),
      gasLimit: gas,
      // A mined transaction would consume the sender's nonce even when it reverts; what the tests
      // compare is everything else, so the sender's nonce stays out of the state root.
      skipNonceIncrement: true,
    });
    const returnValue = result.execResult.returnValue;
    const failed = result.execResult.exceptionError !== undefined;
    let error: string | null = null;
    if (failed && returnValue.length >= 4) error = CONTRACT.parseError(returnValue)?.name ?? null;
    return { ok: !failed, returnValue, error, gasUsed: result.execResult.executionGasUsed };
  };

  const view = async (name: string, args: unknown[] = []): Promise<unknown[]> => {
    const outcome = await call(ZERO, PERMISSION_CONTRACT_ADDRESS, CONTRACT.encodeFunctionData(name, args), CONTRACT_CALL_GAS);
    if (!outcome.ok) throw new Error(`${name} reverted (${outcome.error ?? 'no error data'})`);
    return [...CONTRACT.decodeFunctionResult(name, outcome.returnValue)];
  };

  const verdict = async (sender: string, to: string | null): Promise<Verdict> => {
    const code = to === null ? new Uint8Array(0) : await state.getCode(createAddressFromString(to));
    const type = to === null ? TX_CREATE : code.length > 0 ? TX_CALL : TX_BASIC;
    const [mask, cache] = (await view('allowedTxTypes', [sender, to ?? ZERO, 0n])) as [bigint, boolean];
    const openEthereum = (Number(mask) & type) !== 0;
    const nethermind = (Number(mask) & type) === type;
    if (openEthereum !== nethermind) throw new Error(`the clients disagree on mask ${mask} for type ${type}`);
    return { mask: Number(mask), cache, allowed: nethermind };
  };

  return { evm, state, call, view, verdict };
}
