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
 *
 * A member that serves outside readers (a spec with `permissions`, shared/bundle/reader-proxy.ts) gets
 * one more service in each file, `reader-proxy`: the pinned nginx image on the host network, its config
 * template and htpasswd mounted read-only, the listen address from `${CONCORD_READER_PROXY_LISTEN}`
 * (`:-` gives the default). It runs as the image's root master with `nginx` workers, which is why the
 * htpasswd (hashes only) is world-readable. Without readers the files are exactly as before.
 *
 * Sources, compose-spec/compose-spec (the Compose Specification):
 * - `04-version-and-name.md` @ e869449a: top-level `name` is the project name; no `version` (obsolete).
 * - `05-services.md` @ 2f44add1: `network_mode: "host"` (the container uses the host's network interfaces;
 *   no `ports` with it); `restart: unless-stopped`; `stop_grace_period` is a duration
 *   (`1m30s`, default 10 s before SIGKILL); `user`; `labels` (the `com.docker.compose` prefix is
 *   reserved); `volumes` short syntax `HOST:CONTAINER:ro`, relative host paths start with `.`;
 *   a service without `profiles` always starts.
 * - `15-profiles.md` @ c0a90d9a: services without `profiles` are always enabled, so `--profile` only adds.
 * - `12-interpolation.md` @ 63b95d45: `${VAR:?err}` exits with `err` if VAR is unset or empty,
 *   `${VAR:-default}` gives `default` if unset or empty; values only, not keys.
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

/** The reader proxy service of a member that serves outside readers. */
export interface ComposeReaderProxy {
  image: string;
  /** Bundle paths of the nginx config template and the htpasswd file. */
  templateFile: string;
  htpasswdFile: string;
  /** Where the container sees them, and where the image writes the filled-in template. */
  containerTemplate: string;
  containerHtpasswd: string;
  outputDir: string;
  /** The variable that sets the listen address, and its default. */
  listenVariable: string;
  defaultListen: string;
  /** The node it fronts, and that node's RPC port (labels, for tests and operators). */
  upstreamFolder: string;
  upstreamRpcPort: number;
}

/** What one compose file starts. */
export interface ComposeInput {
  /** Compose project name: lowercase letters, digits, `-`, `_`. */
  project: string;
  client: NodeClient;
  image: string;
  nodes: readonly ComposeNode[];
  /** The reader proxy, if the member serves readers; absent, no such service. */
  readerProxy?: ComposeReaderProxy;
}

/** The service name of the reader proxy. */
export const READER_PROXY_SERVICE = 'reader-proxy';

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
  const proxy = input.readerProxy;
  if (proxy !== undefined) {
    services[READER_PROXY_SERVICE] = {
      image: proxy.image,
      restart: 'unless-stopped',
      network_mode: 'host',
      environment: {
        NGINX_ENVSUBST_OUTPUT_DIR: proxy.outputDir,
        [proxy.listenVariable]: `\${${proxy.listenVariable}:-${proxy.defaultListen}}`,
      },
      volumes: [`./${proxy.templateFile}:${proxy.containerTemplate}:ro`, `./${proxy.htpasswdFile}:${proxy.containerHtpasswd}:ro`],
      labels: { 'org.concord.role': READER_PROXY_SERVICE, 'org.concord.upstream': proxy.upstreamFolder, 'org.concord.upstream.rpc': String(proxy.upstreamRpcPort) },
    };
  }
  return { name: input.project, services };
}

/** The compose file's YAML text. */
export function buildComposeFile(input: ComposeInput): string {
  return stringify(composeFile(input), { lineWidth: 0 });
}
