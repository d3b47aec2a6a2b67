/**
 * What the `concord` CLI promises scripts and people, with the CLI as a real process: `--version`; each
 * exit code of the table in README.md that an honest run can provoke (0 done, 1 verification failed,
 * 2 refused, also for command lines commander refuses, 3 the ceremony was aborted; 70, an internal
 * fault, has no honest trigger); an error under --json as one JSON object on stdout; a `next:` line
 * under each error. Against a real coordinator (express + ws + SQLite, in this process): `concord
 * status`, the "waiting … for …; deadline …" line of `concord join`, and join's exit 3 when the
 * coordinator operator aborts the ceremony.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { encryptKeystore } from '../../shared/keys/keystore.js';
import { LIGHT_SCRYPT } from '../../client/keys/kdf.js';
import { makeCeremony } from '../helpers/ceremony.js';
import { REPO_ROOT, startScript } from '../helpers/processes.js';
import { tempFolder } from '../helpers/temp.js';

interface Ran {
  code: number | string;
  lines: string[];
  stdout: string[];
}

/** Runs `concord …` to its end. */
async function concord(args: readonly string[]): Promise<Ran> {
  const run = startScript('client/bin.ts', args);
  const code = await run.exited;
  return { code, lines: run.lines, stdout: run.stdout };
}

const USAGE_HINT = 'next: run the command with --help for its arguments and options; passwords go in --password-file or --password-env, never on the command line';

describe('concord --version, --help and exit codes 0, 1 and 2', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await tempFolder('cli-exit');
  });

  it('--version prints the version of package.json and exits 0', async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const ran = await concord(['--version']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toEqual([version]);
  });

  it('--help exits 0 and lists the exit codes', async () => {
    const ran = await concord(['--help']);
    expect(ran.code).toBe(0);
    expect(ran.stdout.join('\n')).toContain('2 refused (bad usage or input, wrong password, the coordinator said no); 3 the ceremony was aborted; 70 internal fault.');
  });

  const usage: [string, string[], RegExp][] = [
    ['a missing required option', ['vote', '0x00'], /^error: required option '--coordinator <url>' not specified$/],
    ['an unknown option', ['verify', 'artifact.json', '--password', 'x'], /^error: unknown option '--password'$/],
    ['an option value its parser refuses', ['backup', 'split', '--key', 'k.json', '-k', '1', '-n', '3', '--out', 'o'], /^error: option '-k <k>' argument '1' is invalid\. a whole number in 2\.\.255$/],
    ['too many arguments', ['status', 'extra', '--coordinator', 'ws://127.0.0.1:1/ws', '--ceremony', 'c'], /^error: too many arguments for 'status'/],
    ['an unknown command', ['veriy'], /^error: unknown command 'veriy'$/],
    ['no command', ['backup'], /^error: concord backup needs one of its commands: split, recover$/],
  ];
  it.each(usage)('refuses %s with exit 2, the error and a next: line', async (_, args, error) => {
    const ran = await concord(args);
    expect(ran.code, ran.lines.join('\n')).toBe(2);
    expect(ran.lines.some((line) => error.test(line)), ran.lines.join('\n')).toBe(true);
    expect(ran.lines).toContain(USAGE_HINT);
  });

  it('with --json, a usage error is one JSON object on stdout, whether --json comes before or after the command', async () => {
    for (const args of [['--json', 'vote', '0x00'], ['vote', '0x00', '--json']]) {
      const ran = await concord(args);
      expect(ran.code).toBe(2);
      expect(JSON.parse(ran.stdout.join('\n'))).toEqual({
        error: {
          code: 'USAGE_INVALID',
          path: 'concord vote',
          expected: 'arguments and options as `concord vote --help` lists them',
          message: "required option '--coordinator <url>' not specified",
          hint: USAGE_HINT.slice('next: '.length),
        },
      });
    }
  });

  it('exits 1 when an artifact does not verify, with the failures as JSON under --json', async () => {
    const path = join(folder, 'not-an-artifact.json');
    await writeFile(path, '{}');
    const ran = await concord(['--json', 'verify', path]);
    expect(ran.code).toBe(1);
    const result = JSON.parse(ran.stdout.join('\n')) as { ok: boolean; artifact: string; failures: unknown[] };
    expect(result).toMatchObject({ ok: false, artifact: path });
    expect(result.failures.length).toBeGreaterThan(0);
  });

  it('exits 2 on input it cannot read, saying what to do next; as JSON under --json', async () => {
    const path = join(folder, 'missing.json');
    const ran = await concord(['verify', path]);
    expect(ran.code).toBe(2);
    expect(ran.lines).toEqual([
      `error: FILE_INVALID at ${path}: expected a readable file holding a Concord genesis artifact`,
      'next: check the path and that the file holds what the error says; passwords come from --password-file, --password-env or the prompt on a terminal',
    ]);
    const json = await concord(['--json', 'verify', path]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout.join('\n'))).toMatchObject({ error: { code: 'FILE_INVALID', path, hint: expect.stringMatching(/^check the path/) } });
  });

  it('exits 2, not 70, when an output path lies under a file: a refusal of the input, not an internal fault', async () => {
    const file = join(folder, 'a-file');
    await writeFile(file, 'not a folder');
    const ran = await concord(['identity', 'create', '--out', join(file, 'identity.json'), '--light-kdf']);
    expect(ran.code, ran.lines.join('\n')).toBe(2);
    expect(ran.lines).toContain(`error: FILE_INVALID at ${file}: expected a folder that exists or can be made, and is writable (no part of the path a file)`);
  });
});

describe('concord status and join against a real coordinator, to exit 3 when the ceremony is aborted', () => {
  const ceremony = makeCeremony({ ceremonyId: 'cli-abort', layout: ['Ash', 'Birch', 'Cedar'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 0 })) });
  const id = ceremony.spec.ceremonyId;
  let folder: string;
  let coordinator: RunningCoordinator;
  const ash = ceremony.members[0] as (typeof ceremony.members)[number];
  const status = (...more: string[]): Promise<Ran> => concord(['status', '--coordinator', coordinator.wsUrl, '--ceremony', id, ...more]);

  beforeAll(async () => {
    folder = await tempFolder('cli-abort');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    const password = randomBytes(18).toString('base64');
    await writeFile(join(folder, 'ash.password'), password, { mode: 0o600 });
    await writeFile(join(folder, 'ash.json'), await encryptKeystore(ash.identity.secretKey, password, { salt: randomBytes(32), iv: randomBytes(16), uuid: randomBytes(16) }, LIGHT_SCRYPT), { mode: 0o600 });
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('status shows the phase and every member waited for, and as JSON with --json', async () => {
    const ran = await status();
    expect(ran.code, ran.lines.join('\n')).toBe(0);
    expect(ran.lines[0]).toMatch(new RegExp(`^ceremony ${id}: (OPEN|ACCEPT) \\(transcript #\\d+, head 0x[0-9a-f]{64}\\)$`));
    for (const name of ['Ash', 'Birch', 'Cedar']) expect(ran.lines.find((line) => line.trim().startsWith(name))).toMatch(/← waiting$/);
    const json = await concord(['--json', 'status', '--coordinator', coordinator.wsUrl, '--ceremony', id]);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout.join('\n')) as { status: { ceremonyId: string; waitingFor: string[] }; local: null };
    expect(result.status.ceremonyId).toBe(id);
    expect(result.status.waitingFor).toEqual(ceremony.members.map((member) => member.identity.address));
    expect(result.local).toBeNull();
  });

  it('join says whom it waits for until which deadline, and exits 3 with the error as JSON when the ceremony is aborted', async () => {
    const out = join(folder, 'Ash');
    const member = startScript('client/bin.ts', ['--json', 'join', '--coordinator', coordinator.wsUrl, '--ceremony', id, '--identity', join(folder, 'ash.json'), '--password-file', join(folder, 'ash.password'), '--out', out, '--yes', '--light-kdf']);
    const waiting = await member.waitForLine(/^waiting in (?:OPEN|ACCEPT) for 2 of 3: Birch, Cedar; deadline (\S+)$/);
    expect(new Date(waiting[1] as string).toISOString()).toBe(waiting[1]);

    const during = await status('--out', out);
    expect(during.code).toBe(0);
    expect(during.lines.find((line) => line.trim().startsWith('Ash'))).not.toMatch(/waiting/);
    expect(during.lines.find((line) => line.trim().startsWith('Birch'))).toMatch(/← waiting$/);
    expect(during.lines.at(-1)).toMatch(new RegExp(`^your folder ${out}: \\d+ keystore\\(s\\), contribution not yet recorded, \\d+ receipt\\(s\\), artifact absent$`));

    await coordinator.ceremony(id).abort('the members chose another spec');
    expect(await member.exited).toBe(3);
    const error = (JSON.parse(member.stdout.join('\n')) as { error: { code: string; message: string; hint: string } }).error;
    expect(error.code).toBe('ABORTED');
    expect(error.message).toContain('aborted by the coordinator operator: the members chose another spec');
    expect(error.hint).toBe('the ceremony cannot finish; agree on a new spec (new ceremonyId) and run a new ceremony with fresh folders');
    // Progress went to stderr: stdout is the JSON error alone.
    expect(member.stdout.join('\n')).not.toContain('waiting in');

    const after = await status();
    expect(after.code).toBe(0);
    expect(after.lines[0]).toMatch(new RegExp(`^ceremony ${id}: ABORTED `));
    expect(after.lines).toContain(`  aborted by    ${ceremony.coordinator.address}: aborted by the coordinator operator: the members chose another spec`);
  });
});
