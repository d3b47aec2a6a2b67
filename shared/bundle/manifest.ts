/**
 * Bundle manifests: every file of a bundle with its sha-256, so a folder can be checked against the
 * artifact. One format for the public bundle and the member bundles.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** The format tag of version 1 of a bundle manifest. */
export const MANIFEST_FORMAT = 'concord/bundle-manifest@1';

/** A file of a bundle: a path relative to the bundle folder (forward slashes) and its text. */
export interface BundleFile {
  path: string;
  content: string;
  /** Secret files are written with mode 0600. */
  secret: boolean;
}

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
}

export interface BundleManifest {
  format: typeof MANIFEST_FORMAT;
  files: ManifestEntry[];
}

/** The manifest of a set of files, sorted by path. */
export function buildManifest(files: readonly BundleFile[]): BundleManifest {
  const entries = files
    .map((file) => {
      const bytes = utf8ToBytes(file.content);
      return { path: file.path, sha256: bytesToHex(sha256(bytes)), bytes: bytes.length };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { format: MANIFEST_FORMAT, files: entries };
}
