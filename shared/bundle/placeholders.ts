/**
 * Placeholders: values a bundle cannot know, because they exist only after the bridge is deployed
 * (bridge addresses, start blocks, until the consortium records its deployment) or because an operator
 * chooses them (RPC URLs, a deployment gas price, keys that never enter a bundle). REFERENCE.md §4: the
 * whole value in angle brackets, and every one listed in the operator README. The env writers take their
 * placeholder values from here, and the README lists this table, so the two cannot drift apart.
 */
import type { BridgeDeployment } from '../governance/bridge-deployment.js';

/** One placeholder: the file and variable it stands in, the value written, and what to put there. */
export interface Placeholder {
  /** Where it appears, relative to the public bundle (`bridge/deploy.env`) or the member bundle (`oracle/bridge-<i>.env`). */
  file: 'bridge/deploy.env' | 'oracle/bridge-<i>.env';
  variable: string;
  value: string;
  fill: string;
}

function placeholder(file: Placeholder['file'], variable: string, what: string, fill: string): Placeholder {
  return { file, variable, value: `<${what}>`, fill };
}

/** Every placeholder a Concord bundle writes. */
export const PLACEHOLDERS = {
  deploymentKey: placeholder(
    'bridge/deploy.env',
    'DEPLOYMENT_ACCOUNT_PRIVATE_KEY',
    'deployment account key as 64 hex digits without 0x, typed in at deployment time',
    'the key of an account funded on both chains; it owns nothing after deployment. Type it in only on the machine that deploys, never into a shared copy.',
  ),
  homeRpcForDeployment: placeholder('bridge/deploy.env', 'HOME_RPC_URL', 'home chain RPC URL for the deployment', 'the RPC URL of a home-chain node the deploying machine can reach (a member node behind its RPC proxy, or over an SSH tunnel to its 127.0.0.1 RPC).'),
  foreignRpcForDeployment: placeholder('bridge/deploy.env', 'FOREIGN_RPC_URL', 'foreign chain RPC URL for the deployment', 'the RPC URL of a foreign-chain node (the chain that holds the ERC-20 token).'),
  foreignDeploymentGasPrice: placeholder(
    'bridge/deploy.env',
    'FOREIGN_DEPLOYMENT_GAS_PRICE',
    'foreign chain gas price in wei for the deployment transactions',
    'the gas price, in wei, at deployment time on the foreign chain.',
  ),
  homeRpcForOracle: placeholder('oracle/bridge-<i>.env', 'COMMON_HOME_RPC_URL', 'home chain RPC URL for this oracle, https', 'the https RPC URL of a home-chain node this oracle trusts (the member\'s own node, behind TLS). Plain http needs ORACLE_ALLOW_HTTP_FOR_RPC=yes, which upstream allows only in tests.'),
  foreignRpcForOracle: placeholder('oracle/bridge-<i>.env', 'COMMON_FOREIGN_RPC_URL', 'foreign chain RPC URL for this oracle, https', 'the https RPC URL of a foreign-chain node this oracle trusts.'),
  homeBridgeAddress: placeholder('oracle/bridge-<i>.env', 'COMMON_HOME_BRIDGE_ADDRESS', 'homeBridge.address from bridgeDeploymentResults.json', 'the home bridge proxy address, from `bridgeDeploymentResults.json` written by the contracts deployment.'),
  foreignBridgeAddress: placeholder('oracle/bridge-<i>.env', 'COMMON_FOREIGN_BRIDGE_ADDRESS', 'foreignBridge.address from bridgeDeploymentResults.json', 'the foreign bridge proxy address, from the same file.'),
  homeStartBlock: placeholder('oracle/bridge-<i>.env', 'ORACLE_HOME_START_BLOCK', 'homeBridge.deployedBlockNumber from bridgeDeploymentResults.json', 'the home block the bridge was deployed at, from the same file (the oracle scans from there).'),
  foreignStartBlock: placeholder('oracle/bridge-<i>.env', 'ORACLE_FOREIGN_START_BLOCK', 'foreignBridge.deployedBlockNumber from bridgeDeploymentResults.json', 'the foreign block the bridge was deployed at, from the same file.'),
} as const satisfies Record<string, Placeholder>;

/**
 * The placeholders a recorded bridge deployment fills (shared/governance/bridge-deployment.ts), each
 * with the value it then has: once the consortium records its deployment, oracle env files carry these
 * and the README stops listing them.
 */
export const DEPLOYMENT_FILLS: readonly { placeholder: Placeholder; value: (deployment: BridgeDeployment) => string }[] = [
  { placeholder: PLACEHOLDERS.homeBridgeAddress, value: (deployment) => deployment.home.bridge },
  { placeholder: PLACEHOLDERS.foreignBridgeAddress, value: (deployment) => deployment.foreign.bridge },
  { placeholder: PLACEHOLDERS.homeStartBlock, value: (deployment) => String(deployment.home.deployedBlock) },
  { placeholder: PLACEHOLDERS.foreignStartBlock, value: (deployment) => String(deployment.foreign.deployedBlock) },
];

/** The placeholders a bundle still writes: all of them, or without those a recorded deployment fills. */
export function placeholdersWritten(deployment: BridgeDeployment | null): Placeholder[] {
  const filled = new Set(deployment === null ? [] : DEPLOYMENT_FILLS.map((fill) => fill.placeholder));
  return Object.values(PLACEHOLDERS).filter((placeholder) => !filled.has(placeholder));
}

/** True if an env value is a placeholder (the whole value in angle brackets). */
export function isPlaceholder(value: string): boolean {
  return /^<[^<>]+>$/.test(value);
}
