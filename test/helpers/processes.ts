/**
 * Real processes for tests: the `concord` CLI and the coordinator started with node + tsx, their output
 * collected, and a wait for a line or the exit; a coordinator child process on a fixed port, so a test
 * can SIGKILL it and start it again on the same database and port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { canonicalize } from '../../shared/canonical/jcs.js';
import { encryptKeystore } from '../../shared/keys/keystore.js';
import { LIGHT_SCRYPT } from '../../client/keys/kdf.js';
import { keystoreRandomness } from '../../client/keys/random.js';
import type { TestCeremony } from './ceremony.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Running {
  child: ChildProcess;
  /** Every line, of stdout and stderr, in the order read. */
  lines: string[];
  /** The lines of stdout alone: what a script reads (the JSON document of --json). */
  stdout: string[];
  /** Resolves with the first line matching `pattern` (its match), rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<RegExpExecArray>;
  /** Resolves with the exit code (or the signal name) once the output is read to its end. */
  exited: Promise<number | string>;
}

/** Starts `node --import tsx <script> ...args` in the repo root. */
export function startScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stdout: string[] = [];
  const waiters: { pattern: RegExp; resolve: (match: RegExpExecArray) => void }[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (stream === child.stdout) stdout.push(line);
      for (const waiter of [...waiters]) {
        const match = waiter.pattern.exec(line);
        if (match !== null) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    });
  }
  // 'close', not 'exit': by then stdout and stderr are read to their end, so `lines` is complete.
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    child,
    lines,
    stdout,
    exited,
    waitForLine(pattern) {
      const seen = lines.map((line) => pattern.exec(line)).find((match) => match !== null);
      if (seen !== undefined && seen !== null) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`${script} exited (${code}) before printing ${pattern}:\n${lines.join('\n')}`)));
      });
    },
  };
}

/** A port free on 127.0.0.1 right now, for a coordinator that must come back on the same port after a kill. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What `server/bin.ts` is started with: the spec file and the coordinator's keystore and password file. */
export interface CoordinatorFiles {
  specPath: string;
  keyPath: string;
  passwordPath: string;
}

/** Writes `ceremony`'s spec and its coordinator key (a light keystore) into `folder`. */
export async function writeCoordinatorFiles(ceremony: TestCeremony, folder: string): Promise<CoordinatorFiles> {
  const specPath = join(folder, 'spec.json');
  await writeFile(specPath, canonicalize(ceremony.spec));
  const keyPath = join(folder, 'coordinator.json');
  const passwordPath = join(folder, 'coordinator.password');
  await writeFile(passwordPath, 'coordinator password');
  await writeFile(keyPath, await encryptKeystore(ceremony.coordinator.secretKey, 'coordinator password', keystoreRandomness(), LIGHT_SCRYPT));
  return { specPath, keyPath, passwordPath };
}

/** A coordinator child process on `db` and `port`, resolved once it listens. */
export async function startCoordinatorProcess(files: CoordinatorFiles, db: string, port: number): Promise<Running> {
  const run = startScript('server/bin.ts', ['--spec', files.specPath, '--key', files.keyPath, '--password-file', files.passwordPath, '--db', db, '--listen', `127.0.0.1:${port}`]);
  await run.waitForLine(/^listening on /);
  return run;
}
