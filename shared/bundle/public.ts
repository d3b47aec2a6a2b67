/**
 * The public bundle (DESIGN.md §6): the part of every deployment that is the same for all members and
 * holds no secret, built byte-identically by the coordinator and by every client. Its manifest hash
 * is one of the values each member approves.
 */
import { serializeChainSpec } from '../chainspec/file.js';
import { buildManifest, type BundleFile, type BundleManifest } from './manifest.js';

export interface PublicBundleInput {
  chainSpec: unknown;
  /** One enode URL per authority node, in validator order. */
  enodes: readonly string[];
}

export interface PublicBundle {
  files: BundleFile[];
  manifest: BundleManifest;
}

/** Builds the public bundle's files and manifest. */
export function buildPublicBundle(input: PublicBundleInput): PublicBundle {
  const files: BundleFile[] = [
    { path: 'chain-spec.json', content: serializeChainSpec(input.chainSpec), secret: false },
    // OpenEthereum `--reserved-peers` file: one enode URL per line (REFERENCE.md §3).
    { path: 'reserved-peers', content: input.enodes.map((enode) => `${enode}\n`).join(''), secret: false },
    // Nethermind / geth static-nodes.json: a JSON array of enode URLs.
    { path: 'static-nodes.json', content: `${JSON.stringify(input.enodes, null, 2)}\n`, secret: false },
  ];
  return { files, manifest: buildManifest(files) };
}
