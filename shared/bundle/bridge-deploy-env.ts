/**
 * `bridge/deploy.env`: the `.env` of POA/omni tokenbridge-contracts **5.6.0** `deploy/` in ERC_TO_ERC
 * mode (the last release with the mode: REFERENCE.md §4), built from the agreed spec and bridge
 * validator set. Part of the public bundle, so it never holds a key: the deployment key is a placeholder.
 *
 * Source: omni/tokenbridge-contracts `deploy/src/loadEnv.js`. The index holds no copy at 5.6.0 (cdef2c6d).
 * Read at 0176b713 (pre-5.3: still has HOME_EVM_VERSION) and at a stored 5.3+ version (has
 * MULTI_AMB_ERC_TO_ERC; the index does not name its commit): everything below is identical in both.
 * The later release PRs on record (#465 5.3.1, #476 5.4.0, #565 5.6.0-rc0, #574 5.6.0) list only
 * AMB/omnibridge changes, so 5.6.0 is taken to match; not verified byte for byte. envalid `cleanEnv`, so
 * each listed variable is required:
 * - always: DEPLOYMENT_ACCOUNT_PRIVATE_KEY, DEPLOYMENT_GAS_LIMIT_EXTRA (`num`), HOME_/FOREIGN_DEPLOYMENT_GAS_PRICE,
 *   GET_RECEIPT_INTERVAL_IN_MILLISECONDS (`toBN`), HOME_/FOREIGN_RPC_URL, HOME_/FOREIGN_BRIDGE_OWNER and
 *   HOME_/FOREIGN_UPGRADEABLE_ADMIN (web3 `isAddress`), HOME_/FOREIGN_MAX_AMOUNT_PER_TX;
 * - not AMB: HOME_/FOREIGN_VALIDATORS_OWNER, HOME_/FOREIGN_REQUIRED_BLOCK_CONFIRMATIONS (`checkBlockConfirmations`:
 *   > 0), HOME_/FOREIGN_GAS_PRICE (`checkGasPrices`: FOREIGN_GAS_PRICE > 0; HOME_GAS_PRICE is checked only in
 *   NATIVE_TO_ERC), REQUIRED_NUMBER_OF_VALIDATORS, VALIDATORS (`addressesValidator`: split on one space;
 *   `checkValidators`: count ≥ required);
 * - not ARBITRARY_MESSAGE: HOME_DAILY_LIMIT, HOME_MIN_AMOUNT_PER_TX, FOREIGN_DAILY_LIMIT, and
 *   HOME_REWARDABLE / FOREIGN_REWARDABLE checked against `['false', 'ONE_DIRECTION', 'BOTH_DIRECTIONS']`
 *   (required, although the upstream README's ERC-TO-ERC example leaves them out);
 * - ERC_TO_ERC: ERC20_TOKEN_ADDRESS, BRIDGEABLE_TOKEN_NAME/SYMBOL/DECIMALS, DEPLOY_REWARDABLE_TOKEN,
 *   ERC20_EXTENDED_BY_ERC677, FOREIGN_MIN_AMOUNT_PER_TX (`checkLimits` for both sides: 0 < min < max <
 *   daily; the README's "not used in this mode" is wrong); FOREIGN_REWARDABLE must be `false`.
 * Defaults for the two tunables (DEPLOYMENT_GAS_LIMIT_EXTRA 0.2, GET_RECEIPT_INTERVAL_IN_MILLISECONDS
 * 3000) are the upstream `deploy/README.md` example values.
 */
import { ConcordError } from '../errors.js';
import type { CeremonySpec } from '../spec/schema.js';
import { envValueProblem, serializeEnvFile, type EnvLine } from './env-file.js';
import { PLACEHOLDERS } from './placeholders.js';

/** The file's path in the public bundle. */
export const BRIDGE_DEPLOY_ENV_PATH = 'bridge/deploy.env';

/** The agreed bridge validators, in the agreed order, and how many must sign. */
export interface AgreedBridge {
  validators: readonly string[];
  requiredSignatures: number;
}

type BridgeSection = NonNullable<CeremonySpec['bridge']>;

/** The deploy env's variables, in the order the upstream example lists them. */
export function bridgeDeployEnvLines(bridge: BridgeSection, agreed: AgreedBridge): EnvLine[] {
  const text = (value: string, specPath: string): string => {
    const problem = envValueProblem(value);
    if (problem !== null) throw new ConcordError('SPEC_INVALID', specPath, problem);
    return value;
  };
  const v = (key: string, value: string): EnvLine => ({ key, value });
  const side = (prefix: 'HOME' | 'FOREIGN', limits: BridgeSection['home']): EnvLine[] => [
    v(`${prefix}_BRIDGE_OWNER`, bridge.owner),
    v(`${prefix}_VALIDATORS_OWNER`, bridge.validatorsOwner),
    v(`${prefix}_UPGRADEABLE_ADMIN`, bridge.upgradeableAdmin),
    v(`${prefix}_DAILY_LIMIT`, limits.dailyLimit),
    v(`${prefix}_MAX_AMOUNT_PER_TX`, limits.maxPerTx),
    v(`${prefix}_MIN_AMOUNT_PER_TX`, limits.minPerTx),
    v(`${prefix}_REQUIRED_BLOCK_CONFIRMATIONS`, String(limits.requiredBlockConfirmations)),
    v(`${prefix}_GAS_PRICE`, limits.gasPriceWei),
  ];
  return [
    { comment: 'tokenbridge-contracts 5.6.0 deploy/.env, ERC_TO_ERC mode, written by Concord from the agreed ceremony spec.' },
    { comment: 'Values in <angle brackets> are placeholders: fill them in before deploying (see README.md).' },
    v('BRIDGE_MODE', 'ERC_TO_ERC'),
    { blank: true },
    v(PLACEHOLDERS.deploymentKey.variable, PLACEHOLDERS.deploymentKey.value),
    v('DEPLOYMENT_GAS_LIMIT_EXTRA', '0.2'),
    v('HOME_DEPLOYMENT_GAS_PRICE', bridge.home.gasPriceWei),
    v(PLACEHOLDERS.foreignDeploymentGasPrice.variable, PLACEHOLDERS.foreignDeploymentGasPrice.value),
    v('GET_RECEIPT_INTERVAL_IN_MILLISECONDS', '3000'),
    { blank: true },
    v('BRIDGEABLE_TOKEN_NAME', text(bridge.homeToken.name, 'spec.bridge.homeToken.name')),
    v('BRIDGEABLE_TOKEN_SYMBOL', text(bridge.homeToken.symbol, 'spec.bridge.homeToken.symbol')),
    v('BRIDGEABLE_TOKEN_DECIMALS', String(bridge.homeToken.decimals)),
    { blank: true },
    v(PLACEHOLDERS.homeRpcForDeployment.variable, PLACEHOLDERS.homeRpcForDeployment.value),
    ...side('HOME', bridge.home),
    { blank: true },
    v(PLACEHOLDERS.foreignRpcForDeployment.variable, PLACEHOLDERS.foreignRpcForDeployment.value),
    ...side('FOREIGN', bridge.foreign),
    v('ERC20_TOKEN_ADDRESS', bridge.foreignToken),
    v('ERC20_EXTENDED_BY_ERC677', 'false'),
    { blank: true },
    v('REQUIRED_NUMBER_OF_VALIDATORS', String(agreed.requiredSignatures)),
    v('VALIDATORS', agreed.validators.join(' ')),
    { blank: true },
    v('HOME_REWARDABLE', 'false'),
    v('FOREIGN_REWARDABLE', 'false'),
    v('DEPLOY_REWARDABLE_TOKEN', 'false'),
  ];
}

/** `bridge/deploy.env` text. */
export function buildBridgeDeployEnv(bridge: BridgeSection, agreed: AgreedBridge): string {
  if (agreed.validators.length < agreed.requiredSignatures || agreed.requiredSignatures < 1) {
    throw new ConcordError('SPEC_INVALID', 'spec.bridge.requiredSignatures', `1..${agreed.validators.length} (the agreed bridge validators)`);
  }
  // loadEnv.js `checkGasPrices(env.FOREIGN_GAS_PRICE, ...)`: zero stops the deployment.
  if (bridge.foreign.gasPriceWei === '0') {
    throw new ConcordError('SPEC_INVALID', 'spec.bridge.foreign.gasPriceWei', 'a foreign gas price above 0 (tokenbridge-contracts deploy/src/loadEnv.js checkGasPrices)');
  }
  return serializeEnvFile(bridgeDeployEnvLines(bridge, agreed), BRIDGE_DEPLOY_ENV_PATH);
}
