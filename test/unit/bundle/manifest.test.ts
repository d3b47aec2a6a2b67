/**
 * Bundle manifests (shared/bundle/manifest.ts): known sha-256 answers for text and binary files, path
 * order, and manifest.json parsing back through its schema.
 */
import { describe, expect, it } from 'vitest';
import { buildManifest, bundleManifestSchema, MANIFEST_FORMAT, serializeManifest } from '../../../shared/bundle/manifest.js';

describe('buildManifest', () => {
  it('hashes text as UTF-8 and binary as is, sorted by path (known answers)', () => {
    const manifest = buildManifest([
      { path: 'b/node.key', content: new Uint8Array(32), secret: true },
      { path: 'a.txt', content: 'abc', secret: false },
      { path: 'empty', content: '', secret: false },
    ]);
    expect(manifest).toEqual({
      format: MANIFEST_FORMAT,
      files: [
        { path: 'a.txt', sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', bytes: 3 },
        { path: 'b/node.key', sha256: '66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925', bytes: 32 },
        { path: 'empty', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', bytes: 0 },
      ],
    });
  });

  it('serializes to JSON that parses back through the manifest schema', () => {
    const manifest = buildManifest([{ path: 'x', content: 'é', secret: false }]);
    expect(bundleManifestSchema.parse(JSON.parse(serializeManifest(manifest)))).toEqual(manifest);
    expect(manifest.files[0]?.bytes).toBe(2);
  });
});
