/**
 * The operators' READMEs (Markdown): `README.md` of the public bundle (the same for every member: what
 * was agreed, every placeholder, how to start) and `README.md` of a member bundle (that member's nodes,
 * ports and files). Built from lines and table rows, each cell escaped, never from one template. A spec
 * with a `permissions` section adds a "Read access" section to both (shared/bundle/read-access-readme.ts).
 */
import type { CeremonySpec, NodeClient } from '../spec/schema.js';
import type { Deployment } from '../spec/schema.js';
import { placeholdersWritten } from './placeholders.js';
import { BRIDGE_CHAINS, type BridgeDeployment } from '../governance/bridge-deployment.js';
import type { NodePorts } from './deployment.js';
import { code, table } from './markdown.js';
import { memberReadAccessLines, publicReadAccessLines, type MemberReadAccess } from './read-access-readme.js';
import { describeRetired, type RetiredKey } from './member-keys.js';
import { RPC_FILTER_FILE } from './nethermind-config.js';

/** The compose file of a client: the first client's is `docker-compose.yml`, any other's is named after it. */
export function composeFileName(clients: readonly NodeClient[], client: NodeClient): string {
  return clients[0] === client ? 'docker-compose.yml' : `docker-compose.${client}.yml`;
}

const CLIENT_NAMES: Record<NodeClient, string> = { openethereum: 'OpenEthereum', nethermind: 'Nethermind' };

/** What the public README says. */
export interface PublicReadmeInput {
  spec: CeremonySpec;
  deployment: Deployment;
  validators: readonly string[];
  enodes: readonly string[];
  bridge: { validators: readonly string[]; requiredSignatures: number } | null;
  /** The bridge contracts the consortium recorded as deployed (a recordBridgeDeployment revision), or null. */
  bridgeDeployment: BridgeDeployment | null;
  files: readonly { path: string; what: string }[];
}

/** The "Deployed contracts" lines: what the consortium recorded, or how to record it. */
function deploymentLines(deployment: BridgeDeployment | null): string[] {
  if (deployment === null) {
    return [
      `No deployment of the bridge contracts is recorded yet. Once they are deployed, a member proposes ${code('concord propose record-bridge-deployment')} with their addresses and deployment blocks (docs/governance.md); bundles for the revisions after it carry them.`,
      '',
    ];
  }
  return [
    '### Deployed contracts',
    '',
    'Recorded by the consortium (a recordBridgeDeployment revision): every oracle env file carries these bridge addresses and start blocks, and the owner\'s bridge calls of later revisions target these BridgeValidators contracts.',
    '',
    ...table(
      ['chain', 'bridge', 'BridgeValidators', 'deployed at block'],
      BRIDGE_CHAINS.map((chain) => [chain, deployment[chain].bridge, deployment[chain].validators, String(deployment[chain].deployedBlock)]),
    ),
    '',
  ];
}

/** `README.md` of the public bundle. */
export function buildPublicReadme(input: PublicReadmeInput): string {
  const { spec, deployment } = input;
  const clients = spec.chain.clients;
  const peerCountBody = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'net_peerCount', params: [] });
  const n = input.validators.length;
  const lines: string[] = [
    `# ${spec.consortium}: ${spec.chain.name}`,
    '',
    `The public deployment bundle of Concord ceremony ${code(spec.ceremonyId)}. Every member's client builds these files from the signed`,
    'artifact and gets the same bytes; their manifest hash is one of the values every member approved.',
    'Nothing here is secret: keys, passwords and node keys are only in each member\'s own bundle.',
    '',
    '## Chain',
    '',
    ...table(
      ['', ''],
      [
        ['chain name', spec.chain.name],
        ['chain id', String(spec.chain.chainId)],
        ['network id', String(spec.chain.networkId)],
        ['engine', `Aura, ${spec.chain.stepDurationSec} s steps, EVM ${spec.chain.evm}`],
        ['node software', clients.map((client) => `${CLIENT_NAMES[client]} (${client === 'openethereum' ? deployment.images.openethereum : deployment.images.nethermind})`).join(', ')],
      ],
    ),
    '',
    `## Authority nodes (${n}, in Aura order)`,
    '',
    ...table(['#', 'signer', 'enode'], input.validators.map((signer, i) => [String(i), signer, input.enodes[i] ?? ''])),
    '',
    '## Files',
    '',
    ...table(['file', 'what'], input.files.map((file) => [code(file.path), file.what])),
    '',
  ];
  // Only a spec with a permissions section has this section: the README of any other stays as it was.
  lines.push(...publicReadAccessLines(spec));
  if (input.bridge !== null && spec.bridge !== undefined) {
    lines.push(
      '## Bridge (ERC-20 to ERC-20, POA tokenbridge)',
      '',
      `Contracts: tokenbridge-contracts 5.6.0; oracles: ${code(deployment.images.oracle)}. ${input.bridge.requiredSignatures} of ${input.bridge.validators.length} validators must sign.`,
      `Foreign chain id ${spec.bridge.foreignChainId}, foreign token ${code(spec.bridge.foreignToken)}, home token ${spec.bridge.homeToken.symbol} (${spec.bridge.homeToken.decimals} decimals).`,
      '',
      ...table(['#', 'bridge validator'], input.bridge.validators.map((address, i) => [String(i), address])),
      '',
      ...deploymentLines(input.bridgeDeployment),
      '## Placeholders',
      '',
      'Values written as `<...>` are not known to the ceremony: fill each in before the file is used.',
      '',
      ...table(
        ['file', 'variable', 'written as', 'fill in'],
        placeholdersWritten(input.bridgeDeployment).map((p) => [code(p.file), code(p.variable), code(p.value), p.fill]),
      ),
      '',
      `${code('ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY')} is left out of each oracle env file unless its member asked to include it (the file is then mode 0600): give it when the oracle starts (64 hex digits, no 0x).`,
      '',
    );
  }
  lines.push(
    '## How to start',
    '',
    `1. Check the artifact: ${code('concord verify artifact.json')} (exit 0, and the genesis hash your members announced).`,
    `2. Build your member bundle from your ceremony folder: ${code('concord bundle --artifact artifact.json --keys <your ceremony folder> --out <new folder>')}, then ${code('concord verify artifact.json --bundle <that folder>')}.`,
    `3. In your member bundle, start your nodes with ${CLIENT_NAMES[clients[0] ?? 'openethereum']} (${code('docker-compose.yml')})${clients.length > 1 ? `, or with ${clients.slice(1).map((client) => `${CLIENT_NAMES[client]} (${code(composeFileName(clients, client))})`).join(', ')} instead (never both for one node: two clients with one signer key sign twice)` : ''}, as its ${code('README.md')} shows: set ${code('CONCORD_UID')}, ${code('CONCORD_GID')} (the owner of the bundle files, which are mode 0600) and ${code('CONCORD_DATA')} (a folder for the chain data), create the data folders it lists, then ${code('docker compose up -d')}.`,
    `   Nodes use the host network. Each node listens for p2p on its endpoint's port (TCP and UDP); node i of a member serves JSON-RPC on ${deployment.rpcBindAddress}:${deployment.rpcPortBase} + i and WebSocket on ${deployment.rpcBindAddress}:${deployment.wsPortBase} + i.`,
    '   The other members dial the endpoint in your enode: it must reach that host and port. Open the p2p port only to the other members\' endpoints (Nethermind\'s OnlyStaticPeers limits only outbound connections).',
    `4. Check that each node sees the other ${n - 1} authority nodes: ${code(`curl -s -H 'content-type: application/json' --data '${peerCountBody}' http://${deployment.rpcBindAddress}:<rpc port>`)} returns ${code(`0x${(n - 1).toString(16)}`)}.`,
  );
  if (input.bridge !== null && input.bridgeDeployment === null) {
    lines.push(
      '5. Deploy the bridge (one operator, once): fill the placeholders of `bridge/deploy.env`, copy it to `deploy/.env` of tokenbridge-contracts 5.6.0 and run its deployment. Keep `bridgeDeploymentResults.json` and the `[Home]`/`[Foreign] BridgeValidators Storage:` addresses it prints, and have the consortium record them (`concord propose record-bridge-deployment`).',
      '6. Each member fills the placeholders of its `oracle/bridge-<i>.env` (or builds its bundle for the revision that recorded the deployment, which fills the bridge addresses and start blocks) and starts that oracle with the tokenbridge oracle 2.6.0 compose file, this env file as its `.env`.',
    );
  } else if (input.bridge !== null) {
    lines.push(
      '5. The bridge is deployed and recorded (see Deployed contracts). A redeployment runs tokenbridge-contracts 5.6.0 with `bridge/deploy.env` again and is recorded again, replacing these addresses.',
      '6. Each member fills the RPC placeholders of its `oracle/bridge-<i>.env` and starts that oracle with the tokenbridge oracle 2.6.0 compose file, this env file as its `.env`.',
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** One node of a member, as its README lists it. */
export interface MemberReadmeNode {
  folder: string;
  signer: string;
  enode: string;
  endpoint: string;
  ports: NodePorts;
}

/** What a member README says. */
export interface MemberReadmeInput {
  spec: CeremonySpec;
  memberName: string;
  nodes: readonly MemberReadmeNode[];
  oracleFiles: readonly { path: string; address: string; keyIncluded: boolean }[];
  /** The "Read access" section (a spec with a permissions section); absent, no section. */
  readAccess?: MemberReadAccess;
  /** The "Revision" section of a bundle for a revision after genesis; absent (genesis), no section. */
  revision?: MemberReadmeRevision;
}

/** A bundle for revision n ≥ 1: the revision files it holds (1..n, in order) and the member's retired keys. */
export interface MemberReadmeRevision {
  revision: number;
  files: readonly string[];
  retired: readonly RetiredKey[];
}

/** The "Revision" section: what the revision files are, how to move running nodes over, and the retired keys. */
function revisionLines(revision: MemberReadmeRevision): string[] {
  const lines = [
    `## Revision ${revision.revision}`,
    '',
    `This bundle is for revision ${revision.revision} of the consortium: ${revision.files.map(code).join(', ')} are the signed revisions after the genesis artifact, verified as one chain from it.`,
    "Its chain spec is the genesis one with the validator lists the revisions added, each from its activation block (Aura `validators.multi`): the genesis block is the same, and so is every node folder's name.",
    'With the same `CONCORD_DATA`, a node keeps its chain data: `docker compose down` in the earlier bundle, then `docker compose up -d` here, before the activation block of the validator change the revision made (if it made one).',
    '',
  ];
  if (revision.retired.length === 0) return lines;
  return [
    ...lines,
    '### Retired keys',
    '',
    `Keys of your folder that revision ${revision.revision} no longer uses. Never start a node or an oracle with them again; keep them only as a record.`,
    '',
    ...table(['key', 'address', 'why'], revision.retired.map((key) => [code(key.keyFile), key.address, describeRetired(key)])),
    '',
  ];
}

/** `README.md` of a member bundle. */
export function buildMemberReadme(input: MemberReadmeInput): string {
  const clients = input.spec.chain.clients;
  const revisionFiles = input.revision?.files ?? [];
  const source = revisionFiles.length === 0 ? `the signed artifact (${code('artifact.json')})` : `the signed artifact (${code('artifact.json')}) and revisions (${code('revisions/')})`;
  const lines: string[] = [
    `# ${input.memberName}: deployment bundle for ${input.spec.chain.name}`,
    '',
    `Built by Concord on ${input.memberName}'s own machine from ${source} and ${input.memberName}'s key folder.`,
    `It holds secrets (keystores, their passwords, node keys, ${code('config.toml')} with the node key): those files are mode 0600; keep the folder private.`,
    `${code('public/')} is the consortium's public bundle and its ${code('README.md')} says how to start. ${code('manifest.json')} lists every other file with its sha-256: ${code(['concord verify artifact.json', ...revisionFiles, '--bundle .'].join(' '))} checks them.`,
    '',
    '## Nodes',
    '',
    ...table(
      ['folder', 'signer', 'enode', 'p2p', 'rpc', 'ws'],
      input.nodes.map((node) => [code(node.folder), node.signer, node.enode, String(node.ports.p2p), String(node.ports.rpc), String(node.ports.ws)]),
    ),
    '',
    `Compose files: ${clients.map((client) => `${code(composeFileName(clients, client))} (${CLIENT_NAMES[client]})`).join(', ')}. Run one per node, never two.`,
    '',
    ...(clients.includes('nethermind')
      ? [
          `Nethermind keeps each node's signer unlocked: the node's ${code(RPC_FILTER_FILE)} (${code('JsonRpc.CallsFilterFilePath')}) refuses every JSON-RPC call that would sign with it (${code('eth_sign*')}, ${code('eth_sendTransaction')}, ${code('personal_*')}). Nethermind runs with no filter at all if the file is missing: keep it.`,
          '',
        ]
      : []),
    '## Start',
    '',
    'The containers run as the owner of these files (they are mode 0600) and keep chain data under `$CONCORD_DATA`:',
    '',
    '```sh',
    'export CONCORD_UID=$(id -u) CONCORD_GID=$(id -g) CONCORD_DATA=/srv/concord-data',
    `mkdir -p ${input.nodes.flatMap((node) => clients.map((client) => `"$CONCORD_DATA/${node.folder}/${client}"`)).join(' ')}`,
    'docker compose up -d',
    '```',
    '',
    ...(clients.length > 1 ? [`With ${CLIENT_NAMES[clients[1] ?? 'nethermind']} instead: ${code(`docker compose -f ${composeFileName(clients, clients[1] ?? 'nethermind')} up -d`)} (stop the other first: one client per node).`, ''] : []),
    ...(new Set(input.nodes.map((node) => node.endpoint.slice(0, node.endpoint.lastIndexOf(':')).toLowerCase())).size > 1
      ? ['Your endpoints name more than one host: on each host start only the node whose endpoint it is, e.g. `docker compose up -d node-0`.', '']
      : []),
  ];
  if (input.oracleFiles.length > 0) {
    lines.push(
      '## Bridge validators',
      '',
      ...table(
        ['file', 'validator', 'key'],
        input.oracleFiles.map((file) => [code(file.path), file.address, file.keyIncluded ? 'in the file (mode 0600)' : 'give ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY at start']),
      ),
      '',
    );
  }
  if (input.readAccess !== undefined) lines.push(...memberReadAccessLines(input.readAccess));
  if (input.revision !== undefined) lines.push(...revisionLines(input.revision));
  return lines.join('\n');
}
