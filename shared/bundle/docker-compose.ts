/**
 * A member's docker compose files, written with the `yaml` package: one file per client the spec
 * targets, each starting all of the member's authority nodes with that client. `docker-compose.yml` is
 * the spec's first client; `docker-compose.<client>.yml` the others. One file per client, rather than
 * one file with profiles, because `--profile` adds services to the default ones: two clients of one node
 * share its signer and would seal twice. Both files bind the same host ports for a node, so the second
 * `up` of one node fails instead of double-signing.
 *
 * Services use the host network (`network_mode: host`): the node configs bind exactly what they say
 * (p2p on the agreed endpoint's port; RPC and WebSocket on the deployment's address, 127.0.0.1 by
 * default, at base + i), and OpenEthereum's RPC Host-header check accepts its own listen address. So
 * the host ports are the configs' ports; each service also carries them as labels
 * (`org.concord.port.*`), which the tests compare with the configs.
 * Containers run as `${CONCORD_UID}:${CONCORD_GID}` (the owner of the 0600 secrets) with the node folder
 * read-only at /concord and chain data at `${CONCORD_DATA}/<node>/<client>` (compose interpolation;
 * `:?` makes compose stop with a message when a variable is missing).
 */
import { stringify } from 'yaml';
import type { NodeClient } from '../spec/schema.js';
import type { NodePorts } from './deployment.js';

/** Where a node container sees its bundle folder and its data. */
export const CONTAINER_PATHS = { node: '/concord', data: '/data' } as const;

/** One node of the member, as its compose service needs it. */
export interface ComposeNode {
  /** The node's folder in the bundle, `node-<i>`; also the service name. */
  folder: string;
  signer: string;
  ports: NodePorts;
}

/** What one compose file starts. */
export interface ComposeInput {
  /** Compose project name: lowercase letters, digits, `-`, `_`. */
  project: string;
  client: NodeClient;
  image: string;
  nodes: readonly ComposeNode[];
}

/** The label names that carry a service's host ports. */
export const PORT_LABELS = { p2p: 'org.concord.port.p2p', rpc: 'org.concord.port.rpc', ws: 'org.concord.port.ws' } as const;

const CONFIG_FILE: Record<NodeClient, string> = { openethereum: 'config.toml', nethermind: 'nethermind.json' };

/** The compose file as an object (what the YAML parses back to). */
export function composeFile(input: ComposeInput): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const node of input.nodes) {
    services[node.folder] = {
      image: input.image,
      restart: 'unless-stopped',
      stop_grace_period: '2m',
      network_mode: 'host',
      user: '${CONCORD_UID:?set CONCORD_UID to the owner of the bundle files}:${CONCORD_GID:?set CONCORD_GID to their group}',
      command: ['--config', `${CONTAINER_PATHS.node}/${CONFIG_FILE[input.client]}`],
      volumes: [`./${node.folder}:${CONTAINER_PATHS.node}:ro`, `\${CONCORD_DATA:?set CONCORD_DATA to a folder for chain data}/${node.folder}/${input.client}:${CONTAINER_PATHS.data}`],
      labels: {
        'org.concord.client': input.client,
        'org.concord.signer': node.signer,
        [PORT_LABELS.p2p]: String(node.ports.p2p),
        [PORT_LABELS.rpc]: String(node.ports.rpc),
        [PORT_LABELS.ws]: String(node.ports.ws),
      },
    };
  }
  return { name: input.project, services };
}

/** The compose file's YAML text. */
export function buildComposeFile(input: ComposeInput): string {
  return stringify(composeFile(input), { lineWidth: 0 });
}
