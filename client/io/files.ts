/**
 * The client's file I/O: reading inputs with errors that name the file, and writing outputs safely.
 * Secret files are created with mode 0600 and never overwrite an existing file ('wx'), so a second
 * run cannot destroy keys.
 */
import { access, chmod, lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

/** Creates a new file with mode 0600 (0644 if not secret); refuses to overwrite, and a path it cannot write to. */
export async function writeNewFile(path: string, content: string | Uint8Array, secret: boolean): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch {
    throw new ConcordError('FILE_INVALID', dirname(path), 'a folder that exists or can be made, and is writable (no part of the path a file)');
  }
  try {
    await writeFile(path, content, { flag: 'wx', mode: secret ? 0o600 : 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ConcordError('FILE_EXISTS', path, 'a path where no file exists yet (Concord never overwrites keys)');
    throw new ConcordError('FILE_INVALID', path, 'a path where a new file can be written (a writable folder with room)');
  }
  // The process umask may have narrowed the mode; secrets must be exactly 0600.
  if (secret) await chmod(path, 0o600);
}

/** Writes (or replaces) a non-secret output file. */
export async function writeOutputFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { mode: 0o644 });
}

/** True if something exists at `path` (file, folder or link). */
export async function pathExists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** A regular file found under a folder: its path relative to the folder (forward slashes), bytes and mode bits. */
export interface FoundFile {
  path: string;
  content: Uint8Array;
  mode: number;
}

/** Every regular file under `folder`, recursively, sorted by path; a link or other special file is refused. */
export async function readFolderFiles(folder: string): Promise<FoundFile[]> {
  try {
    await access(folder);
  } catch {
    throw new ConcordError('FILE_INVALID', folder, 'a readable folder');
  }
  const found: FoundFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const absolute = relative === '' ? folder : join(folder, relative);
    for (const entry of await readdir(absolute, { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const full = join(folder, path);
        found.push({ path, content: new Uint8Array(await readFile(full)), mode: (await lstat(full)).mode & 0o777 });
      } else throw new ConcordError('FILE_INVALID', join(folder, path), 'only regular files and folders (no links)');
    }
  };
  await walk('');
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
