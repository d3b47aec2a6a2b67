/**
 * assembleAuraChainSpec with validator-set contracts after genesis: the `validators.multi` it writes
 * (golden file aura-multi-v1.json), what it refuses, and that without transitions it still writes the
 * plain list of aura-london-v1.json.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  assembleAuraChainSpec,
  type ListValidators,
  type MultiValidators,
  type ValidatorTransition,
} from '../../../shared/chainspec/aura.js';
import { serializeChainSpec } from '../../../shared/chainspec/file.js';
import { checkChainSpec } from '../../../shared/chainspec/strict.js';
import { computeGenesisHash } from '../../../shared/genesis/hash.js';
import { expectThrows } from '../../helpers/errors.js';
import { GOLDEN_INPUT, KEY1, KEY2, KEY3 } from './golden-input.js';
import { expectGoldenText } from '../../helpers/golden.js';

const LIST_INPUT = GOLDEN_INPUT;

// Contracts at the addresses of private keys 6 and 7; blocks 1000, then 2^32 (past JavaScript's array-index keys).
const SAFE_CONTRACT = '0xE57bFE9F44b819898F47BF37E5AF72a0783e1141';
const REPORTING_CONTRACT = '0xd41c057fd1c78805AAC12B0A94a405c0461A6FBb';
const TRANSITIONS = [
  { fromBlock: 1000n, kind: 'safeContract', address: SAFE_CONTRACT },
  { fromBlock: 4_294_967_296n, kind: 'contract', address: REPORTING_CONTRACT },
] as const satisfies readonly ValidatorTransition[];
const MULTI_INPUT = { ...LIST_INPUT, validatorTransitions: TRANSITIONS };

const golden = (name: string): string => fileURLToPath(new URL(`../../golden/chainspec/${name}`, import.meta.url));
const MULTI_GOLDEN = golden('aura-multi-v1.json');

describe('assembleAuraChainSpec: validator transitions', () => {
  it('writes the golden multi spec byte for byte', () => {
    // Regenerate only on purpose (a format change is a new golden file; v1 is kept forever):
    //   UPDATE_GOLDEN=1 npx vitest run test/unit/chainspec/aura-multi.test.ts
    expectGoldenText(MULTI_GOLDEN, serializeChainSpec(assembleAuraChainSpec(MULTI_INPUT)));
  });

  it('writes the list from block 0, then each contract under its decimal block, in block order', () => {
    const spec = assembleAuraChainSpec(MULTI_INPUT);
    expectTypeOf(spec.engine.authorityRound.params.validators).toEqualTypeOf<MultiValidators>();
    const { multi } = spec.engine.authorityRound.params.validators;
    expect(multi).toEqual({
      '0': { list: [KEY2, KEY1, KEY3] },
      '1000': { safeContract: SAFE_CONTRACT },
      '4294967296': { contract: REPORTING_CONTRACT },
    });
    expect(Object.keys(multi)).toEqual(['0', '1000', '4294967296']);
  });

  it('changes nothing but the validators', () => {
    const list = assembleAuraChainSpec(LIST_INPUT);
    const multi = assembleAuraChainSpec(MULTI_INPUT);
    expect({ ...multi.engine.authorityRound.params, validators: null }).toEqual({ ...list.engine.authorityRound.params, validators: null });
    expect({ ...multi, engine: null }).toEqual({ ...list, engine: null });
  });

  it('keeps the genesis block hash: validator sets are not in block 0', async () => {
    const list = await computeGenesisHash(assembleAuraChainSpec(LIST_INPUT));
    expect((await computeGenesisHash(assembleAuraChainSpec(MULTI_INPUT))).hash).toBe(list.hash);
  });

  it('writes the plain list of aura-london-v1.json without transitions, or with none', () => {
    const london = readFileSync(golden('aura-london-v1.json'), 'utf8');
    expect(serializeChainSpec(assembleAuraChainSpec(LIST_INPUT))).toBe(london);
    expect(serializeChainSpec(assembleAuraChainSpec({ ...LIST_INPUT, validatorTransitions: [] }))).toBe(london);
    expectTypeOf(assembleAuraChainSpec(LIST_INPUT).engine.authorityRound.params.validators).toEqualTypeOf<ListValidators>();
  });

  it('writes a multi that OpenEthereum 3.3.5 and Nethermind both load', () => {
    expect(checkChainSpec(assembleAuraChainSpec(MULTI_INPUT), ['openethereum', 'nethermind']).problems).toEqual([]);
  });

  const at = (i: number, change: Partial<ValidatorTransition>): ValidatorTransition[] =>
    TRANSITIONS.map((transition, j) => (j === i ? { ...transition, ...change } : { ...transition }));
  it.each<[string, ValidatorTransition[], string, string]>([
    ['a transition at block 0', at(0, { fromBlock: 0n }), 'validatorTransitions[0].fromBlock', 'a block in 1..2^63-1'],
    ['a negative block', at(0, { fromBlock: -1n }), 'validatorTransitions[0].fromBlock', 'a block in 1..2^63-1'],
    ['two transitions at one block', at(1, { fromBlock: 1000n }), 'validatorTransitions[1].fromBlock', 'a block after validatorTransitions[0].fromBlock, below 2^63'],
    ['transitions out of order', at(1, { fromBlock: 999n }), 'validatorTransitions[1].fromBlock', 'a block after validatorTransitions[0].fromBlock, below 2^63'],
    ['a block past a C# long', at(1, { fromBlock: 1n << 63n }), 'validatorTransitions[1].fromBlock', 'a block after validatorTransitions[0].fromBlock, below 2^63'],
    ['an unknown kind', at(0, { kind: 'list' as ValidatorTransition['kind'] }), 'validatorTransitions[0].kind', 'safeContract or contract'],
    ['a lowercase contract', at(1, { address: REPORTING_CONTRACT.toLowerCase() }), 'validatorTransitions[1].address', 'an EIP-55 checksummed address'],
    ['a short contract', at(0, { address: SAFE_CONTRACT.slice(0, 41) }), 'validatorTransitions[0].address', 'an EIP-55 checksummed address'],
  ])('refuses %s', (_name, validatorTransitions, path, expected) => {
    const error = expectThrows(() => assembleAuraChainSpec({ ...LIST_INPUT, validatorTransitions }), 'CHAINSPEC_INVALID', path);
    expect(error.message).toBe(`CHAINSPEC_INVALID at ${path}: expected ${expected}`);
  });
});
