/**
 * The committed runtime code is reproducible: a fresh compile of ConsortiumPermissions.sol with the
 * pinned solc and compiler-input.ts renders shared/permissioning/bytecode.ts byte for byte. And each
 * level's code only uses opcodes that level has: PUSH0 on a London chain would make every permission
 * call fail, and both clients read a failure as "no permission" (shared/reference/permissioning.md §6).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCustomCommon, Mainnet } from '@ethereumjs/common';
import { createEVM } from '@ethereumjs/evm';
import { hexToBytes } from '@noble/hashes/utils.js';
import { Interface } from 'ethers';
import { describe, expect, it } from 'vitest';
import { compilePermissions, renderBytecodeModule } from '../../../scripts/compile-permissioning.js';
import { EVM_LEVELS, type EvmLevel } from '../../../shared/chainspec/evm-levels.js';
import { COMPILED_WITH, PERMISSIONS_ABI, RUNTIME_BYTECODE } from '../../../shared/permissioning/bytecode.js';
import { SOLC_VERSION } from '../../../shared/permissioning/compiler-input.js';

const read = (path: string): string => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');

/** The opcodes of `code` in execution order of appearance, push data skipped. */
function opcodes(code: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const op = code[i] as number;
    out.push(op);
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f;
  }
  return out;
}

const PUSH0 = 0x5f;
const MCOPY = 0x5e;
const TLOAD = 0x5c;
const TSTORE = 0x5d;
const INVALID = 0xfe;

describe('permission contract bytecode', () => {
  it('is what a fresh compile of the source renders, byte for byte', () => {
    const compiled = compilePermissions(read('../../../shared/permissioning/ConsortiumPermissions.sol'));
    expect(renderBytecodeModule(compiled)).toBe(read('../../../shared/permissioning/bytecode.ts'));
  }, 120_000);

  it('comes from the pinned solc', () => {
    expect(COMPILED_WITH.startsWith(`${SOLC_VERSION}+commit.`)).toBe(true);
  });

  it.each(EVM_LEVELS)('uses only opcodes the %s EVM defines', async (level: EvmLevel) => {
    const defined = (await createEVM({ common: createCustomCommon({ chainId: 1 }, Mainnet, { hardfork: level }) })).getActiveOpcodes();
    const used = new Set(opcodes(hexToBytes(RUNTIME_BYTECODE[level].slice(2))));
    const undefinedOps = [...used].filter((op) => op !== INVALID && !defined.has(op));
    expect(undefinedOps).toEqual([]);
    // The walker does see PUSH0 where the level has it: the london build lacks it by construction, not by luck.
    expect(used.has(PUSH0)).toBe(level !== 'london');
    if (level !== 'cancun') expect([MCOPY, TLOAD, TSTORE].filter((op) => used.has(op))).toEqual([]);
  });

  it.each(EVM_LEVELS)('fits EIP-170 at %s', (level: EvmLevel) => {
    expect((RUNTIME_BYTECODE[level].length - 2) / 2).toBeLessThanOrEqual(0x6000);
  });

  it('answers the version-2 interface of tx_acl.json (openethereum/parity-ethereum @ e0d5b42a)', () => {
    const abi = new Interface(PERMISSIONS_ABI);
    expect(abi.getFunction('allowedTxTypes')?.format('full')).toBe('function allowedTxTypes(address sender, address to, uint256) view returns (uint32 mask, bool cache)');
    expect(abi.getFunction('allowedTxTypes')?.selector).toBe('0xd4b03ee0');
    expect(abi.getFunction('contractVersion')?.selector).toBe('0xa0a8e460');
    expect(abi.getFunction('contractName')?.selector).toBe('0x75d0c0dc');
    expect(abi.getFunction('contractNameHash')?.selector).toBe('0x469ab1e3');
  });
});
