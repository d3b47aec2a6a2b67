/**
 * A bridge validator's oracle env for tokenbridge oracle 2.6.0 ERC_TO_ERC (shared/bundle/oracle-env.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../shared/spec/parse.js';
import { buildOracleEnv, ORACLE_KEY_VARIABLE } from '../../../shared/bundle/oracle-env.js';
import { parseEnvFile } from '../../../shared/bundle/env-file.js';
import { PLACEHOLDERS } from '../../../shared/bundle/placeholders.js';
import { makeKey } from '../../helpers/ceremony.js';
import { expectThrows } from '../../helpers/errors.js';

const spec = parseSpec(JSON.parse(readFileSync(new URL('../../../ceremony-specs/seed-consortium.json', import.meta.url), 'utf8')));
const validator = makeKey();
const base = { spec, index: 0, agreedIndex: 2, agreedCount: 5, address: validator.address, bridgeDeployment: null };

/** Every variable REFERENCE.md §4 lists for the oracle, less the key. */
const VARIABLES = [
  'ORACLE_BRIDGE_MODE', 'ORACLE_VALIDATOR_ADDRESS', 'COMMON_HOME_RPC_URL', 'COMMON_FOREIGN_RPC_URL', 'COMMON_HOME_BRIDGE_ADDRESS', 'COMMON_FOREIGN_BRIDGE_ADDRESS',
  'ORACLE_QUEUE_URL', 'ORACLE_REDIS_URL', 'ORACLE_HOME_RPC_POLLING_INTERVAL', 'ORACLE_FOREIGN_RPC_POLLING_INTERVAL', 'COMMON_HOME_GAS_PRICE_FALLBACK',
  'COMMON_FOREIGN_GAS_PRICE_FALLBACK', 'ORACLE_HOME_START_BLOCK', 'ORACLE_FOREIGN_START_BLOCK',
];

describe('buildOracleEnv', () => {
  it('writes every oracle variable, the validator address, and leaves the key out by default', () => {
    const env = parseEnvFile(buildOracleEnv({ ...base, secretKey: null }), 'oracle.env');
    expect([...env.keys()].sort()).toEqual([...VARIABLES].sort());
    expect(env.get('ORACLE_BRIDGE_MODE')).toBe('ERC_TO_ERC');
    expect(env.get('ORACLE_VALIDATOR_ADDRESS')).toBe(validator.address);
    expect(env.get('COMMON_HOME_BRIDGE_ADDRESS')).toBe(PLACEHOLDERS.homeBridgeAddress.value);
    expect(env.get('ORACLE_HOME_START_BLOCK')).toBe(PLACEHOLDERS.homeStartBlock.value);
    expect(env.get('ORACLE_QUEUE_URL')).toMatch(/^amqp:\/\//);
    expect(env.get('ORACLE_REDIS_URL')).toMatch(/^redis:\/\//);
    expect(env.get('ORACLE_HOME_RPC_POLLING_INTERVAL')).toBe(String(spec.chain.stepDurationSec * 1000));
    expect(env.get('COMMON_HOME_GAS_PRICE_FALLBACK')).toBe(spec.bridge?.home.gasPriceWei);
    expect(env.get('COMMON_FOREIGN_GAS_PRICE_FALLBACK')).toBe(spec.bridge?.foreign.gasPriceWei);
  });

  it('writes the key as 64 hex digits without 0x when asked', () => {
    const env = parseEnvFile(buildOracleEnv({ ...base, secretKey: validator.secretKey }), 'oracle.env');
    expect(env.get(ORACLE_KEY_VARIABLE)).toBe(Buffer.from(validator.secretKey).toString('hex'));
    expect(env.get(ORACLE_KEY_VARIABLE)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes the recorded bridge addresses and start blocks instead of their placeholders, and nothing else differs', () => {
    const bridgeDeployment = {
      home: { bridge: makeKey().address, validators: makeKey().address, deployedBlock: 1234 },
      foreign: { bridge: makeKey().address, validators: makeKey().address, deployedBlock: 17_000_001 },
    };
    const placeholders = parseEnvFile(buildOracleEnv({ ...base, secretKey: null }), 'oracle.env');
    const text = buildOracleEnv({ ...base, bridgeDeployment, secretKey: null });
    const env = parseEnvFile(text, 'oracle.env');
    expect(Object.fromEntries(env)).toEqual({
      ...Object.fromEntries(placeholders),
      COMMON_HOME_BRIDGE_ADDRESS: bridgeDeployment.home.bridge,
      COMMON_FOREIGN_BRIDGE_ADDRESS: bridgeDeployment.foreign.bridge,
      ORACLE_HOME_START_BLOCK: '1234',
      ORACLE_FOREIGN_START_BLOCK: '17000001',
    });
    expect(text).toContain('# Bridge addresses and start blocks: the deployment the consortium recorded.');
  });

  it('refuses a key that is not the validator\'s', () => {
    expectThrows(() => buildOracleEnv({ ...base, secretKey: makeKey().secretKey }), 'KEYSTORE_INVALID', 'keys.bridge[0]');
  });
});
