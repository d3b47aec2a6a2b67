/**
 * Golden files (STYLE.md §5): our own formats' bytes, one file per version, kept forever. A test
 * compares byte for byte; `UPDATE_GOLDEN=1` rewrites the file, on purpose only.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

/** Expects `text` to be the golden file's bytes (or, with UPDATE_GOLDEN=1, writes them first). */
export function expectGoldenText(path: string, text: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  expect(text).toBe(readFileSync(path, 'utf8'));
}
