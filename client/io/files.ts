/**
 * The client's file I/O: reading inputs with errors that name the file, and writing outputs safely.
 * Secret files are created with mode 0600 and never overwrite an existing file ('wx'), so a second
 * run cannot destroy keys.
 */
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConcordError } from '../../shared/errors.js';

/** Reads a text file; `what` says what it should hold. */
export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new ConcordError('FILE_INVALID', path, `a readable file holding ${what}`);
  }
}

/** Reads and parses a JSON file. */
export async function readJson(path: string, what: string): Promise<unknown> {
  const text = await readText(path, what);
  try {
    return JSON.parse(text);
  } catch {
    throw new ConcordError('FILE_INVALID', path, `JSON text holding ${what}`);
  }
}

/** Reads a password file: its first line, as OpenEthereum reads `--password` files. */
export async function readPasswordFile(path: string): Promise<string> {
  const password = (await readText(path, 'a password')).split(/\r?\n/)[0] ?? '';
  if (password === '') throw new ConcordError('FILE_INVALID', path, 'a non-empty password on the first line');
  return password;
}

/** Creates a new file with mode 0600 (0644 if not secret); refuses to overwrite. */
export async function writeNewFile(path: string, content: string, secret: boolean): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, content, { flag: 'wx', mode: secret ? 0o600 : 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ConcordError('FILE_EXISTS', path, 'a path where no file exists yet (Concord never overwrites keys)');
    throw error;
  }
  // The process umask may have narrowed the mode; secrets must be exactly 0600.
  if (secret) await chmod(path, 0o600);
}

/** Writes (or replaces) a non-secret output file. */
export async function writeOutputFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { mode: 0o644 });
}
