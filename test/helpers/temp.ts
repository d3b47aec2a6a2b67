/**
 * Temporary folders for tests: real directories under the OS temp dir, removed after the test file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh temp folder, removed when the current test file ends. */
export async function tempFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), `concord-${prefix}-`));
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  return folder;
}
