/**
 * The env file of one bridge validator's oracle: POA/omni tokenbridge **oracle 2.6.0** in ERC_TO_ERC
 * mode (3.x refuses the mode: REFERENCE.md §4), one per bridge validator, in the member bundle.
 *
 * Sources: omni/tokenbridge `oracle/`. The index holds no copy addressable at the pinned 2.6.0 commit
 * (0451d6e3; the versions it stores are named by other commits), so each rule names the commit read:
 * base.config.js and watcher.js there still have the erc-erc ABIs and watchers that 3.x removed; the
 * others may be later, but name the same variables. 2.6.0's release PR (#508) changes only the monitor
 * and ALM. Not verified byte for byte against 2.6.0.
 * - `config/base.config.js` @ c63733c8: ORACLE_BRIDGE_MODE (ERC_TO_ERC selects the erc-erc ABIs),
 *   ORACLE_VALIDATOR_ADDRESS (or the address of ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY),
 *   COMMON_HOME_BRIDGE_ADDRESS, COMMON_FOREIGN_BRIDGE_ADDRESS, ORACLE_HOME_RPC_POLLING_INTERVAL,
 *   ORACLE_FOREIGN_RPC_POLLING_INTERVAL, ORACLE_HOME_START_BLOCK, ORACLE_FOREIGN_START_BLOCK
 *   (`toBN(... || 0)`: without them it scans from block 0);
 * - `src/services/web3.js` @ 1aee0a84: COMMON_HOME_RPC_URL, COMMON_FOREIGN_RPC_URL required (non-empty,
 *   space-separated URLs); `src/utils/utils.js` `checkHTTPS` @ f8d85b14, called by `src/watcher.js`
 *   @ ed3139a4 at start: a URL not starting with https stops the oracle unless ORACLE_ALLOW_HTTP_FOR_RPC
 *   is `yes` (test environments only, so it is left out);
 * - `src/services/amqpClient.js` @ 61ff5950: ORACLE_QUEUE_URL; `src/services/redisClient.js` @ 960cb3e5:
 *   ORACLE_REDIS_URL; the values (`amqp://rabbit`, `redis://redis`) are those of `oracle/.env.example`
 *   @ 79c41169, the `rabbit` and `redis` services of the upstream oracle compose file;
 * - `src/services/gasPrice.js` @ c92f80c4: COMMON_HOME_GAS_PRICE_FALLBACK, COMMON_FOREIGN_GAS_PRICE_FALLBACK
 *   (the price used until a supplier or the contract gives one).
 * The bridge addresses and start blocks are placeholders until the consortium records its deployment
 * (shared/governance/bridge-deployment.ts); a bundle for a revision after that carries them.
 * ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY is 64 hex digits without 0x. It is written only when the member
 * asks; the file is then a secret (mode 0600). Otherwise it is given at start, never stored here.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { ConcordError } from '../errors.js';
import { addressOf } from '../crypto/secp256k1.js';
import type { CeremonySpec } from '../spec/schema.js';
import { serializeEnvFile, type EnvLine } from './env-file.js';
import { DEPLOYMENT_FILLS, PLACEHOLDERS } from './placeholders.js';
import type { BridgeDeployment } from '../governance/bridge-deployment.js';

/** The member-bundle path of bridge validator `index`'s oracle env file. */
export function oracleEnvPath(index: number): string {
  return `oracle/bridge-${index}.env`;
}

/** The variable that carries the validator's key, when the member includes it. */
export const ORACLE_KEY_VARIABLE = 'ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY';

/** What one oracle env needs. */
export interface OracleEnvInput {
  spec: CeremonySpec;
  /** Index of this validator among the member's bridge validators. */
  index: number;
  /** Its position in the agreed bridge validator list, and that list's length. */
  agreedIndex: number;
  agreedCount: number;
  /** How many of them must sign at the bundle's revision; default: the spec's (revision 0's). */
  requiredSignatures?: number;
  /** The bridge contracts recorded at the bundle's revision: their addresses and start blocks replace the placeholders. */
  bridgeDeployment: BridgeDeployment | null;
  address: string;
  /** The validator's secret key, only when the member chose to include it. */
  secretKey: Uint8Array | null;
}

/** The oracle env's variables. */
export function oracleEnvLines(input: OracleEnvInput): EnvLine[] {
  const bridge = input.spec.bridge;
  if (bridge === undefined) throw new ConcordError('SPEC_INVALID', 'spec.bridge', 'a bridge section, because this member enrolls bridge validators');
  const v = (key: string, value: string): EnvLine => ({ key, value });
  const p = (placeholder: { variable: string; value: string }): EnvLine => v(placeholder.variable, placeholder.value);
  const key: EnvLine[] = [];
  if (input.secretKey !== null) {
    if (addressOf(input.secretKey) !== input.address) throw new ConcordError('KEYSTORE_INVALID', `keys.bridge[${input.index}]`, `the key of bridge validator ${input.address}`);
    key.push(v(ORACLE_KEY_VARIABLE, bytesToHex(input.secretKey)));
  } else {
    key.push({ comment: `${ORACLE_KEY_VARIABLE} is not stored here: give it at start (64 hex digits, no 0x), from keys/bridge-${input.index}.json.` });
  }
  const deployment = input.bridgeDeployment;
  return [
    { comment: `tokenbridge oracle 2.6.0, ERC_TO_ERC, bridge validator ${input.agreedIndex + 1} of ${input.agreedCount} (${input.requiredSignatures ?? bridge.requiredSignatures} must sign).` },
    {
      comment:
        deployment === null
          ? 'Values in <angle brackets> are placeholders: fill them in after the bridge contracts are deployed (see public/README.md).'
          : 'Bridge addresses and start blocks: the deployment the consortium recorded. Values in <angle brackets> are placeholders: fill them in (see public/README.md).',
    },
    v('ORACLE_BRIDGE_MODE', 'ERC_TO_ERC'),
    v('ORACLE_VALIDATOR_ADDRESS', input.address),
    ...key,
    { blank: true },
    p(PLACEHOLDERS.homeRpcForOracle),
    p(PLACEHOLDERS.foreignRpcForOracle),
    ...DEPLOYMENT_FILLS.map(({ placeholder, value }) => (deployment === null ? p(placeholder) : v(placeholder.variable, value(deployment)))),
    { blank: true },
    v('ORACLE_HOME_RPC_POLLING_INTERVAL', String(input.spec.chain.stepDurationSec * 1000)),
    v('ORACLE_FOREIGN_RPC_POLLING_INTERVAL', '5000'),
    v('COMMON_HOME_GAS_PRICE_FALLBACK', bridge.home.gasPriceWei),
    v('COMMON_FOREIGN_GAS_PRICE_FALLBACK', bridge.foreign.gasPriceWei),
    { blank: true },
    v('ORACLE_QUEUE_URL', 'amqp://rabbit'),
    v('ORACLE_REDIS_URL', 'redis://redis'),
  ];
}

/** The oracle env file text. */
export function buildOracleEnv(input: OracleEnvInput): string {
  return serializeEnvFile(oracleEnvLines(input), oracleEnvPath(input.index));
}
