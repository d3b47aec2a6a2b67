/**
 * Real processes for tests: the `concord` CLI and the coordinator started with node + tsx, their output
 * collected, and a wait for a line or the exit; a coordinator child process on a fixed address, so a
 * test can SIGKILL it and start it again on the same database and port. Every child started here is
 * tracked until it exits, so a test file that calls `cleanUpProcesses()` leaves none running when a
 * test fails or times out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach } from 'vitest';
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

/** Children started by `startScript` that have not exited yet, with a promise of their exit. */
const running = new Map<ChildProcess, Promise<void>>();

// A last resort when the test process itself ends (a worker torn down after a timeout): no child may
// outlive it. Registered once per process, however many test files load this module in it.
const EXIT_HOOK = Symbol.for('concord.test.processes.exitHook');
const hooks = globalThis as { [EXIT_HOOK]?: Set<Map<ChildProcess, Promise<void>>> };
if (hooks[EXIT_HOOK] === undefined) {
  const registries = new Set<Map<ChildProcess, Promise<void>>>();
  hooks[EXIT_HOOK] = registries;
  process.once('exit', () => {
    for (const registry of registries) for (const child of registry.keys()) child.kill('SIGKILL');
  });
}
hooks[EXIT_HOOK].add(running);

/** SIGKILLs every child started here that is still running, and waits until each has exited. */
export async function killLeftoverProcesses(): Promise<void> {
  const left = [...running.entries()];
  for (const [child] of left) child.kill('SIGKILL');
  await Promise.all(left.map(([, exit]) => exit));
}

/**
 * For a test file that starts processes: after each test, and after the file (its beforeAll may have
 * started some), kills whatever the test left running, as when it failed or timed out.
 */
export function cleanUpProcesses(): void {
  afterEach(killLeftoverProcesses);
  afterAll(killLeftoverProcesses);
}

/** Starts `node --import tsx <script> ...args` in the repo root. */
export function startScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.set(
    child,
    new Promise<void>((resolve) => {
      const done = (): void => {
        running.delete(child);
        resolve();
      };
      child.once('exit', done);
      // A child that could not be spawned emits 'error' and no 'exit'.
      child.once('error', done);
    }),
  );
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

/** Where a coordinator child process listens, and the URLs clients are given. */
export interface CoordinatorAddress {
  host: string;
  port: number;
  /** ws://host:port/ws */
  wsUrl: string;
  /** http://host:port */
  httpUrl: string;
}

async function listenOnce(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * An address for a coordinator that must come back on the same port after a kill: a port free right now
 * on the loopback address 127.0.0.`octet`, which a test file has to itself. Nothing else binds there, so
 * the port stays free between a kill and the restart: the ephemeral ports of client connections are
 * taken on 127.0.0.1 (Linux routes all of 127.0.0.0/8 to lo, with 127.0.0.1 as the source address).
 * Where only 127.0.0.1 is configured (macOS by default), 127.0.0.1 is used instead.
 */
export async function coordinatorAddress(octet: number): Promise<CoordinatorAddress> {
  if (!Number.isInteger(octet) || octet < 2 || octet > 254) throw new Error(`a loopback octet of 2..254 (127.0.0.1 is everyone's), not ${octet}`);
  let host = `127.0.0.${octet}`;
  const port = await listenOnce(host).catch(async (error: unknown) => {
    if ((error as { code?: string }).code !== 'EADDRNOTAVAIL') throw error;
    host = '127.0.0.1';
    return listenOnce(host);
  });
  return { host, port, wsUrl: `ws://${host}:${port}/ws`, httpUrl: `http://${host}:${port}` };
}

/** How often a coordinator is started when its port is taken (EADDRINUSE), and the pause before each retry. */
const LISTEN_ATTEMPTS = 6;
const LISTEN_RETRY_MS = 500;

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

/**
 * A coordinator child process on `db` and `address`, resolved once it listens. If the port is taken
 * (another socket got it between a kill and this restart), it is tried again, LISTEN_ATTEMPTS times in
 * all, pausing a little longer each time; then it fails, with the coordinator's output.
 */
export async function startCoordinatorProcess(files: CoordinatorFiles, db: string, address: CoordinatorAddress): Promise<Running> {
  const args = ['--spec', files.specPath, '--key', files.keyPath, '--password-file', files.passwordPath, '--db', db, '--listen', `${address.host}:${address.port}`];
  for (let attempt = 1; ; attempt++) {
    const run = startScript('server/bin.ts', args);
    try {
      await run.waitForLine(/^listening on /);
      return run;
    } catch (error) {
      // waitForLine rejects once the child exited and its output is read to the end.
      const inUse = run.lines.some((line) => line.includes('EADDRINUSE'));
      if (!inUse) throw error;
      if (attempt >= LISTEN_ATTEMPTS) throw new Error(`the coordinator found ${address.host}:${address.port} in use ${attempt} times in a row; giving up`, { cause: error });
      await sleep(LISTEN_RETRY_MS * attempt);
    }
  }
}
