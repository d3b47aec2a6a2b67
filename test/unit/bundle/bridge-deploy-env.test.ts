/**
 * `bridge/deploy.env` for tokenbridge-contracts 5.6.0 ERC_TO_ERC (shared/bundle/bridge-deploy-env.ts),
 * from the seed spec: every variable `deploy/src/loadEnv.js` requires in the mode, the spec's values,
 * the validators in the agreed order, placeholders where the ceremony cannot know the value, no key.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../shared/spec/parse.js';
import { buildBridgeDeployEnv } from '../../../shared/bundle/bridge-deploy-env.js';
import { parseEnvFile } from '../../../shared/bundle/env-file.js';
import { isPlaceholder, PLACEHOLDERS } from '../../../shared/bundle/placeholders.js';
import { makeKey } from '../../helpers/ceremony.js';
import { expectThrows } from '../../helpers/errors.js';

const seedJson = (): Record<string, any> => JSON.parse(readFileSync(new URL('../../../ceremony-specs/seed-consortium.json', import.meta.url), 'utf8')) as Record<string, any>;
const spec = parseSpec(seedJson());
const bridge = spec.bridge!;
const validators = Array.from({ length: 5 }, () => makeKey().address);
const agreed = { validators, requiredSignatures: 3 };

/** Every variable loadEnv.js (ERC_TO_ERC) requires, per REFERENCE.md §4 and the source. */
const REQUIRED = [
  'BRIDGE_MODE', 'DEPLOYMENT_ACCOUNT_PRIVATE_KEY', 'DEPLOYMENT_GAS_LIMIT_EXTRA', 'HOME_DEPLOYMENT_GAS_PRICE', 'FOREIGN_DEPLOYMENT_GAS_PRICE',
  'GET_RECEIPT_INTERVAL_IN_MILLISECONDS', 'BRIDGEABLE_TOKEN_NAME', 'BRIDGEABLE_TOKEN_SYMBOL', 'BRIDGEABLE_TOKEN_DECIMALS',
  'HOME_RPC_URL', 'HOME_BRIDGE_OWNER', 'HOME_VALIDATORS_OWNER', 'HOME_UPGRADEABLE_ADMIN', 'HOME_DAILY_LIMIT', 'HOME_MAX_AMOUNT_PER_TX', 'HOME_MIN_AMOUNT_PER_TX',
  'HOME_REQUIRED_BLOCK_CONFIRMATIONS', 'HOME_GAS_PRICE',
  'FOREIGN_RPC_URL', 'FOREIGN_BRIDGE_OWNER', 'FOREIGN_VALIDATORS_OWNER', 'FOREIGN_UPGRADEABLE_ADMIN', 'FOREIGN_DAILY_LIMIT', 'FOREIGN_MAX_AMOUNT_PER_TX',
  'FOREIGN_MIN_AMOUNT_PER_TX', 'FOREIGN_REQUIRED_BLOCK_CONFIRMATIONS', 'FOREIGN_GAS_PRICE',
  'ERC20_TOKEN_ADDRESS', 'ERC20_EXTENDED_BY_ERC677', 'DEPLOY_REWARDABLE_TOKEN', 'REQUIRED_NUMBER_OF_VALIDATORS', 'VALIDATORS', 'HOME_REWARDABLE', 'FOREIGN_REWARDABLE',
];

describe('buildBridgeDeployEnv', () => {
  const env = parseEnvFile(buildBridgeDeployEnv(bridge, agreed), 'deploy.env');

  it('sets every variable loadEnv.js requires in ERC_TO_ERC mode, and nothing else', () => {
    expect([...env.keys()].sort()).toEqual([...REQUIRED].sort());
    expect(env.get('BRIDGE_MODE')).toBe('ERC_TO_ERC');
  });

  it('lists the agreed validators in the agreed order, one space apart, and how many must sign', () => {
    expect(env.get('VALIDATORS')).toBe(validators.join(' '));
    expect(env.get('VALIDATORS')?.split(' ')).toEqual(validators);
    expect(env.get('REQUIRED_NUMBER_OF_VALIDATORS')).toBe('3');
  });

  it('takes limits, owners, token and gas prices from the spec', () => {
    for (const [prefix, side] of [['HOME', bridge.home], ['FOREIGN', bridge.foreign]] as const) {
      expect(env.get(`${prefix}_DAILY_LIMIT`)).toBe(side.dailyLimit);
      expect(env.get(`${prefix}_MAX_AMOUNT_PER_TX`)).toBe(side.maxPerTx);
      expect(env.get(`${prefix}_MIN_AMOUNT_PER_TX`)).toBe(side.minPerTx);
      expect(env.get(`${prefix}_REQUIRED_BLOCK_CONFIRMATIONS`)).toBe(String(side.requiredBlockConfirmations));
      expect(env.get(`${prefix}_GAS_PRICE`)).toBe(side.gasPriceWei);
      expect(env.get(`${prefix}_BRIDGE_OWNER`)).toBe(bridge.owner);
      expect(env.get(`${prefix}_VALIDATORS_OWNER`)).toBe(bridge.validatorsOwner);
      expect(env.get(`${prefix}_UPGRADEABLE_ADMIN`)).toBe(bridge.upgradeableAdmin);
    }
    expect(env.get('ERC20_TOKEN_ADDRESS')).toBe(bridge.foreignToken);
    expect(env.get('BRIDGEABLE_TOKEN_NAME')).toBe(bridge.homeToken.name);
    expect(env.get('BRIDGEABLE_TOKEN_SYMBOL')).toBe(bridge.homeToken.symbol);
    expect(env.get('BRIDGEABLE_TOKEN_DECIMALS')).toBe(String(bridge.homeToken.decimals));
    expect(env.get('HOME_REWARDABLE')).toBe('false');
    expect(env.get('FOREIGN_REWARDABLE')).toBe('false');
  });

  it('writes a placeholder, never a key, for the deployment account, and only the documented placeholders', () => {
    expect(env.get('DEPLOYMENT_ACCOUNT_PRIVATE_KEY')).toBe(PLACEHOLDERS.deploymentKey.value);
    const documented = new Map(Object.values(PLACEHOLDERS).map((p) => [p.variable, p.value]));
    for (const [name, value] of env) {
      if (isPlaceholder(value)) expect(documented.get(name), name).toBe(value);
    }
    expect([...env.values()].some((value) => /^(0x)?[0-9a-fA-F]{64}$/.test(value))).toBe(false);
  });

  it('refuses a token name a dotenv reader would change, naming the spec field', () => {
    for (const name of ['Token # 1', '"Quoted"', "Bob's"]) {
      expectThrows(() => buildBridgeDeployEnv({ ...bridge, homeToken: { ...bridge.homeToken, name } }, agreed), 'SPEC_INVALID', 'spec.bridge.homeToken.name');
    }
  });

  it('refuses a required count above the validators', () => {
    expectThrows(() => buildBridgeDeployEnv(bridge, { validators: validators.slice(0, 2), requiredSignatures: 3 }), 'SPEC_INVALID', 'spec.bridge.requiredSignatures');
  });

  it('refuses a foreign gas price of 0, which loadEnv.js checkGasPrices refuses', () => {
    expectThrows(() => buildBridgeDeployEnv({ ...bridge, foreign: { ...bridge.foreign, gasPriceWei: '0' } }, agreed), 'SPEC_INVALID', 'spec.bridge.foreign.gasPriceWei');
  });
});
