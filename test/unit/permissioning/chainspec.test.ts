/**
 * The chain spec of a permissioned chain: the golden file test/golden/chainspec/aura-permissioned-v1.json
 * byte for byte, loadable as written by both clients, one genesis hash for both; without a permission
 * contract nothing of it is written; and the account input aura.ts refuses.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assembleAuraChainSpec, type AuraChainSpecInput } from '../../../shared/chainspec/aura.js';
import { checkChainSpec } from '../../../shared/chainspec/strict.js';
import { computeGenesisHash } from '../../../shared/genesis/hash.js';
import { PERMISSION_CONTRACT_ADDRESS, transactionPermission } from '../../../shared/permissioning/account.js';
import { resolvePolicy } from '../../../shared/permissioning/policy.js';
import { permissionsSchema } from '../../../shared/permissioning/schema.js';
import { expectThrows } from '../../helpers/errors.js';
import { GOLDEN_INPUT, KEY1, KEY2, KEY3, KEY4, KEY5 } from '../chainspec/golden-input.js';
import { expectGoldenText } from '../../helpers/golden.js';
import { serializeChainSpec } from '../../../shared/chainspec/file.js';

// Private keys 1..6: well-known addresses, so the golden file can be checked by hand.
const KEY6 = '0xE57bFE9F44b819898F47BF37E5AF72a0783e1141';

/** Members KEY1..KEY3 (2 of 3), bridge validators KEY4 and KEY5, KEY6 deploys the bridge, nobody else may send. */
const PERMISSION = transactionPermission(
  resolvePolicy({
    permissions: permissionsSchema.parse({ transact: ['consortium'], create: [KEY6], unlisted: 'none', deployers: [{ address: KEY6, deploys: 'bridge' }] }),
    members: [KEY1, KEY2, KEY3],
    threshold: 2,
    bridgeValidators: [KEY4, KEY5],
  }),
  'london',
);

const INPUT: AuraChainSpecInput = {
  ...GOLDEN_INPUT,
  name: 'Concord Permissioned',
  accounts: [
    { address: KEY6, balanceWei: 10n ** 21n },
    { address: KEY4, balanceWei: 10n ** 18n },
  ],
  transactionPermission: PERMISSION,
};

const GOLDEN_FILE = fileURLToPath(new URL('../../golden/chainspec/aura-permissioned-v1.json', import.meta.url));


describe('a permissioned chain spec', () => {
  it('assembles the golden spec test/golden/chainspec/aura-permissioned-v1.json byte for byte', () => {
    // Regenerate ON PURPOSE only (a changed format or contract gets a new -v2 file; v1 is kept forever):
    //   UPDATE_GOLDEN=1 npx vitest run test/unit/permissioning/chainspec.test.ts
    expectGoldenText(GOLDEN_FILE, serializeChainSpec(assembleAuraChainSpec(INPUT)));
  });

  it('switches the filter on from genesis and places the account among the others by address', () => {
    const spec = assembleAuraChainSpec(INPUT);
    expect(spec.params.transactionPermissionContract).toBe(PERMISSION_CONTRACT_ADDRESS);
    expect(spec.params.transactionPermissionContractTransition).toBe('0x0');
    expect(Object.keys(spec.accounts).slice(9)).toEqual([KEY4, PERMISSION_CONTRACT_ADDRESS, KEY6]);
    expect(spec.accounts[PERMISSION_CONTRACT_ADDRESS]).toMatchObject({ balance: '0x0', nonce: '0x1' });
    expect(spec.accounts[PERMISSION_CONTRACT_ADDRESS]).not.toHaveProperty('constructor');
  });

  it('loads as written in OpenEthereum 3.3.5 and Nethermind, with one genesis hash for both', async () => {
    const spec = assembleAuraChainSpec(INPUT);
    expect(checkChainSpec(spec, ['openethereum', 'nethermind']).problems).toEqual([]);
    const both = await computeGenesisHash(spec);
    expect((await computeGenesisHash(spec, { client: 'openethereum' })).hash).toBe(both.hash);
    expect((await computeGenesisHash(spec, { client: 'nethermind' })).hash).toBe(both.hash);
  });

  it('writes no permission param and no contract account without a permission contract', () => {
    const { transactionPermission: _none, ...open } = INPUT;
    const spec = assembleAuraChainSpec(open);
    expect(spec.params).not.toHaveProperty('transactionPermissionContract');
    expect(spec.params).not.toHaveProperty('transactionPermissionContractTransition');
    expect(spec.accounts).not.toHaveProperty(PERMISSION_CONTRACT_ADDRESS);
  });

  it.each<[string, Partial<typeof PERMISSION.account> | { address: string }, string]>([
    ['at a prefunded address', { address: KEY6 }, 'transactionPermission.address'],
    ['at a precompile', { address: '0x0000000000000000000000000000000000000001' }, 'transactionPermission.address'],
    ['with code that is not whole bytes of hex', { code: '0x600' }, 'transactionPermission.account.code'],
    ['without code', { code: '0x' }, 'transactionPermission.account.code'],
    ['with a zero storage value', { storage: { [`0x${'00'.repeat(32)}`]: `0x${'00'.repeat(32)}` } }, `transactionPermission.account.storage.0x${'00'.repeat(32)}`],
    ['with a short storage key', { storage: { '0x01': `0x${'00'.repeat(31)}01` } }, 'transactionPermission.account.storage.0x01'],
    ['with a nonce with a leading zero', { nonce: '0x01' }, 'transactionPermission.account.nonce'],
  ])('refuses a permission contract %s', (_name, change, path) => {
    const permission = 'address' in change ? { ...PERMISSION, ...change } : { ...PERMISSION, account: { ...PERMISSION.account, ...change } };
    expectThrows(() => assembleAuraChainSpec({ ...INPUT, transactionPermission: permission as typeof PERMISSION }), 'CHAINSPEC_INVALID', path);
  });
});
