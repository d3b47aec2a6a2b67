/**
 * The chain spec file as node software reads it (`--chain spec.json` / Nethermind `Init.ChainSpecPath`):
 * the spec object in the fixed key order it was built in, two-space indented, with a final newline.
 * Hashes that members sign are over the canonical JSON (JCS), not over these bytes; the bundle
 * manifest carries the sha-256 of these bytes.
 */

/** The bytes (as text) of a chain spec file. */
export function serializeChainSpec(chainSpec: unknown): string {
  return `${JSON.stringify(chainSpec, null, 2)}\n`;
}
