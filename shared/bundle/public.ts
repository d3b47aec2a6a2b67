/**
 * The public bundle (DESIGN.md §6): the part of every deployment that is the same for all members and
 * holds no secret, built byte-identically by the coordinator and by every client. Its manifest hash
 * is one of the values each member approves, so it is a pure function of the agreed spec and the
 * assembly (chain spec, enodes, validators, bridge validator set); after genesis, of the revision's
 * (which adds the bridge deployment once recorded).
 *
 *   chain-spec.json     the Aura chain spec (shared/chainspec/file.ts)
 *   reserved-peers      every authority's enode, one per line (OpenEthereum `--reserved-peers`)
 *   static-nodes.json   the same enodes as a JSON array (Nethermind `Init.StaticNodesPath`, see below)
 *   bridge/deploy.env   tokenbridge-contracts 5.6.0 ERC_TO_ERC deployment env (if the spec has a bridge)
 *   README.md           for operators: what was agreed, every placeholder, how to start
 */
import { serializeChainSpec } from '../chainspec/file.js';
import type { CeremonySpec } from '../spec/schema.js';
import { buildManifest, type BundleFile, type BundleManifest } from './manifest.js';
import { BRIDGE_DEPLOY_ENV_PATH, buildBridgeDeployEnv, type AgreedBridge } from './bridge-deploy-env.js';
import { buildPublicReadme } from './operator-readme.js';
import { deploymentOf } from './deployment.js';
import type { BridgeDeployment } from '../governance/bridge-deployment.js';

/** What the ceremony agreed besides the chain spec: the spec, the validator order, the bridge set. */
export interface PublicBundleAgreement {
  spec: CeremonySpec;
  validators: readonly string[];
  bridge: AgreedBridge | null;
  /** The bridge contracts recorded as deployed at this revision (never at genesis), or null. */
  bridgeDeployment: BridgeDeployment | null;
}

export interface PublicBundleInput {
  chainSpec: unknown;
  /** One enode URL per authority node, in validator order. */
  enodes: readonly string[];
  agreed: PublicBundleAgreement;
}

export interface PublicBundle {
  files: BundleFile[];
  manifest: BundleManifest;
}

/** The public bundle's file names. */
export const PUBLIC_FILES = {
  chainSpec: 'chain-spec.json',
  reservedPeers: 'reserved-peers',
  staticNodes: 'static-nodes.json',
  bridgeDeployEnv: BRIDGE_DEPLOY_ENV_PATH,
  readme: 'README.md',
} as const;

/** OpenEthereum `--reserved-peers` file: enodes, one per line (`bin/oe/cli/mod.rs` help @ 089609b3; REFERENCE.md §3). */
export function serializeReservedPeers(enodes: readonly string[]): string {
  return enodes.map((enode) => `${enode}\n`).join('');
}

/**
 * Nethermind static-nodes.json: a JSON array of enode URL strings. NethermindEth/nethermind
 * `Nethermind.Network/NodesManager.cs` `ParseNodes` @ 012ae301 (used by
 * `StaticNodes/StaticNodesManager.cs` @ 055fc891) reads `HashSet<string>` (else one enode per line); the
 * path is `Init.StaticNodesPath` (`Nethermind.Api/IInitConfig.cs` @ a4c0aba2, default
 * `Data/static-nodes.json`). Current geth ignores the file (ethereum/go-ethereum `node/config.go`
 * `checkLegacyFile` @ 59560a64), so it is for Nethermind only.
 */
export function serializeStaticNodes(enodes: readonly string[]): string {
  return `${JSON.stringify(enodes, null, 2)}\n`;
}

/** Builds the public bundle's files and manifest. */
export function buildPublicBundle(input: PublicBundleInput): PublicBundle {
  const files: BundleFile[] = [
    { path: PUBLIC_FILES.chainSpec, content: serializeChainSpec(input.chainSpec), secret: false },
    { path: PUBLIC_FILES.reservedPeers, content: serializeReservedPeers(input.enodes), secret: false },
    { path: PUBLIC_FILES.staticNodes, content: serializeStaticNodes(input.enodes), secret: false },
  ];
  const agreed = input.agreed;
  const described: { path: string; what: string }[] = [
    { path: PUBLIC_FILES.chainSpec, what: 'the chain spec every node starts from (OpenEthereum and Nethermind format)' },
    { path: PUBLIC_FILES.reservedPeers, what: 'every authority node\'s enode, one per line (OpenEthereum reserved peers)' },
    { path: PUBLIC_FILES.staticNodes, what: 'the same enodes as a JSON array (Nethermind static nodes)' },
  ];
  const bridgeSection = agreed.spec.bridge;
  if (bridgeSection !== undefined && agreed.bridge !== null) {
    files.push({ path: PUBLIC_FILES.bridgeDeployEnv, content: buildBridgeDeployEnv(bridgeSection, agreed.bridge), secret: false });
    described.push({ path: PUBLIC_FILES.bridgeDeployEnv, what: 'the bridge contracts\' deployment env (tokenbridge-contracts 5.6.0, ERC_TO_ERC), with placeholders' });
  }
  described.push({ path: PUBLIC_FILES.readme, what: 'this file' });
  files.push({
    path: PUBLIC_FILES.readme,
    content: buildPublicReadme({
      spec: agreed.spec,
      deployment: deploymentOf(agreed.spec),
      validators: agreed.validators,
      enodes: input.enodes,
      bridge: agreed.bridge,
      bridgeDeployment: agreed.bridgeDeployment,
      files: described,
    }),
    secret: false,
  });
  return { files, manifest: buildManifest(files) };
}
