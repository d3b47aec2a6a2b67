/**
 * Bundle manifests: every file of a bundle with its sha-256, so a folder can be checked against the
 * artifact. One format for the public bundle and the member bundles.
 */
import { z } from 'zod';
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

/** A file whose content is bytes rather than text (Nethermind's raw 32-byte node key). */
export interface BinaryBundleFile {
  path: string;
  content: Uint8Array;
  secret: boolean;
}

/** Any file of a bundle. */
export type AnyBundleFile = BundleFile | BinaryBundleFile;

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
}

export interface BundleManifest {
  format: typeof MANIFEST_FORMAT;
  files: ManifestEntry[];
}

/** The bytes a bundle file is written as: text as UTF-8, binary as is. */
export function fileBytes(file: AnyBundleFile): Uint8Array {
  return typeof file.content === 'string' ? utf8ToBytes(file.content) : file.content;
}

/** The manifest entry of one file's bytes. */
export function manifestEntry(path: string, bytes: Uint8Array): ManifestEntry {
  return { path, sha256: bytesToHex(sha256(bytes)), bytes: bytes.length };
}

/** The manifest of a set of files, sorted by path. */
export function buildManifest(files: readonly AnyBundleFile[]): BundleManifest {
  const entries = files
    .map((file) => manifestEntry(file.path, fileBytes(file)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { format: MANIFEST_FORMAT, files: entries };
}

/** The schema of a manifest file (the same shape the artifact embeds as `publicManifest`). */
export const bundleManifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  files: z.array(
    z.strictObject({
      path: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits'),
      bytes: z.number().int().min(0),
    }),
  ),
});

/** The file name of a member bundle's manifest, at the bundle's root; it lists every other file. */
export const MANIFEST_FILE = 'manifest.json';

/** A manifest as the text of `manifest.json`. */
export function serializeManifest(manifest: BundleManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
