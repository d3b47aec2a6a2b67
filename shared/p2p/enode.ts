/**
 * enode URLs: `enode://<128 hex digits of the 64-byte public key, no 04 prefix>@<host>:<port>`
 * (devp2p `enode` scheme; REFERENCE.md §3). One serializer, no string glue elsewhere.
 */
import type { NodePublicKey } from '../crypto/secp256k1.js';

/** The enode URL of a node key reachable at `endpoint` (host:port, already validated). */
export function formatEnode(nodePublicKey: NodePublicKey, endpoint: string): string {
  return `enode://${nodePublicKey.slice(2)}@${endpoint}`;
}
