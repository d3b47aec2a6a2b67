/**
 * The solc standard-JSON input that builds ConsortiumPermissions.sol, one per EVM level. Pure data: the
 * compile script (scripts/compile-permissioning.ts) and the reproducibility test pass it to the pinned
 * npm `solc`, which never runs inside Concord itself.
 *
 * - `evmVersion` is the chain's level and never newer: solc's default (prague) emits PUSH0, which a
 *   London chain cannot run; every permission call would then fail and both clients read a failure as
 *   "no permission", rejecting every transaction (shared/reference/permissioning.md §6).
 * - `metadata.appendCBOR: false`: no metadata hash at the end of the code, so the bytes depend on the
 *   source and these settings alone, not on file paths or comments' whitespace.
 * - The optimizer settings are fixed; changing them changes the committed bytes.
 * Input format: Solidity docs, "Using the Compiler", "Input Description" (standard JSON).
 */
import type { EvmLevel } from '../chainspec/evm-levels.js';

/** The exact solc release the committed bytecode comes from (the `solc` devDependency). */
export const SOLC_VERSION = '0.8.37';

/** The source's name in the compiler input, and the contract's name in it. */
export const SOURCE_NAME = 'ConsortiumPermissions.sol';
/** The contract's name in the source. */
export const CONTRACT_NAME = 'ConsortiumPermissions';

/** solc's `evmVersion` for each Concord EVM level: the same fork, so no opcode the chain lacks. */
export const EVM_VERSION_OF_LEVEL: Readonly<Record<EvmLevel, string>> = Object.freeze({
  london: 'london',
  shanghai: 'shanghai',
  cancun: 'cancun',
});

/** The standard-JSON compiler input for `source` (the .sol file's text) at `level`. */
export function compilerInput(source: string, level: EvmLevel): object {
  return {
    language: 'Solidity',
    sources: { [SOURCE_NAME]: { content: source } },
    settings: {
      evmVersion: EVM_VERSION_OF_LEVEL[level],
      optimizer: { enabled: true, runs: 200 },
      metadata: { appendCBOR: false },
      outputSelection: { [SOURCE_NAME]: { [CONTRACT_NAME]: ['abi', 'evm.deployedBytecode.object', 'storageLayout'] } },
    },
  };
}
