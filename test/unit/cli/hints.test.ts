/**
 * Every error code has a hint of what to do next (client/cli/hints.ts), and every code in the list is
 * one the code base emits: the sources of client/, server/ and shared/ are scanned for it. (A code
 * used but missing from the list does not compile: ConcordError takes an ErrorCode.)
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConcordError, ERROR_CODES } from '../../../shared/errors.js';
import { hintFor } from '../../../client/cli/hints.js';
import { serverFrameSchema } from '../../../shared/protocol/messages.js';
import { REPO_ROOT } from '../../helpers/processes.js';

/** The TypeScript sources under `folder`, by path relative to the repository. */
async function sources(folder: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of await readdir(join(REPO_ROOT, folder), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    found.set(relative(REPO_ROOT, path), await readFile(path, 'utf8'));
  }
  return found;
}

describe('error hints', () => {
  let code: Map<string, string>;
  beforeAll(async () => {
    code = new Map([...(await sources('client')), ...(await sources('server')), ...(await sources('shared'))]);
    // The list itself and the hints name every code; a use is anywhere else.
    code.delete(join('shared', 'errors.ts'));
    code.delete(join('client', 'cli', 'hints.ts'));
  });

  it.each(ERROR_CODES)('%s has a hint saying what to do next', (errorCode) => {
    const hint = hintFor(new ConcordError(errorCode, 'somewhere', 'something'));
    expect(typeof hint).toBe('string');
    expect(hint.length).toBeGreaterThan(20);
  });

  it.each(ERROR_CODES)('%s is emitted somewhere in client/, server/ or shared/', (errorCode) => {
    const users = [...code].filter(([, text]) => text.includes(`'${errorCode}'`)).map(([path]) => path);
    expect(users.length, `no source names '${errorCode}'`).toBeGreaterThan(0);
  });

  it('an error code a later coordinator may send, unknown to this client, still gets a hint', () => {
    const frame = serverFrameSchema.parse({ type: 'error', id: 1, code: 'SOME_LATER_CODE', path: 'message', expected: 'something' });
    if (frame.type !== 'error') throw new Error('not an error frame');
    expect(hintFor(new ConcordError(frame.code, frame.path, frame.expected))).toMatch(/^the coordinator sent an error this client does not know/);
  });

  it('no two codes share a hint', () => {
    const hints = ERROR_CODES.map((errorCode) => hintFor(new ConcordError(errorCode, '', '')));
    expect(new Set(hints).size).toBe(ERROR_CODES.length);
  });
});
