/**
 * The deployment settings of a ceremony: the spec's `deployment` section, or its defaults when the
 * spec has none (shared/spec/schema.ts `deploymentSchema`), and the ports of each node they give.
 */
import { deploymentSchema, type CeremonySpec, type Deployment } from '../spec/schema.js';

/** The spec's deployment section with every default filled in. */
export function deploymentOf(spec: CeremonySpec): Deployment {
  return spec.deployment ?? deploymentSchema.parse({});
}

/** The host ports of one of a member's nodes. */
export interface NodePorts {
  p2p: number;
  rpc: number;
  ws: number;
}

/**
 * The ports of a member's node `index` (its folder's: the member's own node order at genesis, its p2p
 * key's index at any revision, shared/bundle/member-keys.ts): p2p on the port of its agreed endpoint
 * (the port every other node dials, in its enode), RPC and WebSocket on base + i.
 */
export function nodePorts(deployment: Deployment, index: number, endpoint: string): NodePorts {
  return { p2p: Number(endpoint.slice(endpoint.lastIndexOf(':') + 1)), rpc: deployment.rpcPortBase + index, ws: deployment.wsPortBase + index };
}
