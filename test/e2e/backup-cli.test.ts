/**
 * `concord backup split` and `concord backup recover` as real processes: an identity keystore split
 * 2-of-3 (JSON and printable shares), restored from two shares into a keystore that ethers decrypts to
 * the same address, every file mode 0600, and the refusals (one share, overwriting) leaving nothing.
 * Each scrypt step prints a progress line first; with --json the result is one JSON document on stdout
 * and the progress goes to stderr. The keystore password comes from --password-file, else
 * --password-env (default $CONCORD_PASSWORD), else a prompt with no echo on a terminal (a real one:
 * util-linux `script` runs the CLI on a pseudo-terminal); never from an option like --password.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startScript } from '../helpers/processes.js';
import { tempFolder } from '../helpers/temp.js';

async function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | string; lines: string[]; stdout: string[] }> {
  // No $CONCORD_PASSWORD from the environment the tests run in: each test says where the password is.
  const child = startScript('client/bin.ts', args, { CONCORD_PASSWORD: undefined, ...env });
  const code = await child.exited;
  return { code, lines: child.lines, stdout: child.stdout };
}

/**
 * Runs `concord …` on a pseudo-terminal (`script`), types `typed` once `prompt` shows, and returns the
 * exit code and everything the terminal showed.
 */
function onTerminal(args: readonly string[], prompt: string, typed: string): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, '--import', 'tsx', 'client/bin.ts', ...args].map((word) => `'${word}'`).join(' ');
  const env = { ...process.env };
  delete env.CONCORD_PASSWORD;
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
  let screen = '';
  let sent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    if (!sent && screen.includes(prompt)) {
      sent = true;
      child.stdin.write(typed);
    }
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, screen })));
}

async function modeOf(path: string): Promise<string> {
  return ((await stat(path)).mode & 0o777).toString(8);
}

describe('concord backup: split an identity 2-of-3 and recover it', () => {
  let folder: string;
  let address: string;
  let keystore: string;
  let shares: string;
  let splitLines: string[];

  beforeAll(async () => {
    folder = await tempFolder('backup');
    keystore = join(folder, 'identity.json');
    const created = await run(['identity', 'create', '--out', keystore, '--light-kdf']);
    expect(created.code, created.lines.join('\n')).toBe(0);
    expect(created.lines[0]).toBe(`making an identity key and encrypting it into ${keystore} (scrypt N=2^12)`);
    address = /^identity (0x[0-9a-fA-F]{40})$/.exec(created.lines[1] ?? '')?.[1] as string;
    shares = join(folder, 'shares');
    const password = (await readFile(`${keystore}.password`, 'utf8')).trim();
    // The password through the environment, as a custodian's script would pass it.
    const split = await run(['backup', 'split', '--key', keystore, '--password-env', 'BACKUP_PW', '-k', '2', '-n', '3', '--out', shares, '--text'], { BACKUP_PW: password });
    expect(split.code, split.lines.join('\n')).toBe(0);
    splitLines = split.lines;
  });

  it('writes share-1..3 as JSON and printable text, all mode 0600, naming the address, k and n', async () => {
    expect((await readdir(shares)).sort()).toEqual(['share-1.json', 'share-1.txt', 'share-2.json', 'share-2.txt', 'share-3.json', 'share-3.txt']);
    for (const name of await readdir(shares)) expect(await modeOf(join(shares, name)), name).toBe('600');
    for (let i = 1; i <= 3; i++) {
      const json = JSON.parse(await readFile(join(shares, `share-${i}.json`), 'utf8')) as Record<string, unknown>;
      expect(json).toMatchObject({ format: 'concord/key-share@1', address, k: 2, n: 3, index: i });
      const text = await readFile(join(shares, `share-${i}.txt`), 'utf8');
      expect(text).toContain(`# Share ${i} of 3 of the key of ${address}.`);
      expect(text).toContain(`checksum ${String(json.checksum)}`);
    }
  });

  it('says it is unlocking the keystore, then where the shares are and what each custodian gets', () => {
    expect(splitLines[0]).toBe(`unlocking ${keystore} (scrypt, about a second for a standard keystore)`);
    expect(splitLines[1]).toMatch(new RegExp(`^split ${address} into 3 shares \\(set 0x[0-9a-f]{32}\\): any 2 restore the key, 1 or fewer restore nothing$`));
    expect(splitLines.slice(2, 5)).toEqual([1, 2, 3].map((i) => `custodian ${i} gets share ${i} of 3: ${join(shares, `share-${i}.json`)} or its printable copy ${join(shares, `share-${i}.txt`)}`));
  });

  it('recovers from a printed share and a JSON share into a new keystore that ethers decrypts to the same address', async () => {
    const out = join(folder, 'restored.json');
    const recovered = await run(['backup', 'recover', '--out', out, '--light-kdf', join(shares, 'share-3.txt'), join(shares, 'share-1.json')]);
    expect(recovered.code, recovered.lines.join('\n')).toBe(0);
    expect(recovered.lines).toEqual([
      `encrypting the restored key into ${out} (scrypt N=2^12)`,
      `restored ${address}`,
      `keystore ${out}`,
      `password ${out}.password (generated, mode 0600)`,
    ]);
    expect(await modeOf(out)).toBe('600');
    expect(await modeOf(`${out}.password`)).toBe('600');
    const wallet = await Wallet.fromEncryptedJson(await readFile(out, 'utf8'), await readFile(`${out}.password`, 'utf8'));
    expect(wallet.address).toBe(address);
    const original = await Wallet.fromEncryptedJson(await readFile(keystore, 'utf8'), await readFile(`${keystore}.password`, 'utf8'));
    expect(wallet.privateKey).toBe(original.privateKey);
  });

  it('recovers with a password file of the caller, writing no password file', async () => {
    const out = join(folder, 'restored-2.json');
    const recovered = await run(['backup', 'recover', '--out', out, '--password-file', `${keystore}.password`, '--light-kdf', join(shares, 'share-2.json'), join(shares, 'share-3.json')]);
    expect(recovered.code, recovered.lines.join('\n')).toBe(0);
    const wallet = await Wallet.fromEncryptedJson(await readFile(out, 'utf8'), (await readFile(`${keystore}.password`, 'utf8')).trim());
    expect(wallet.address).toBe(address);
    await expect(stat(`${out}.password`)).rejects.toThrow();
  });

  it('refuses one share, saying 1 more is needed, exits 2 and writes nothing', async () => {
    const out = join(folder, 'one-share.json');
    const refused = await run(['backup', 'recover', '--out', out, '--light-kdf', join(shares, 'share-2.json')]);
    expect(refused.code).toBe(2);
    expect(refused.lines.join('\n')).toContain('1 given, 1 more needed: fewer than 2 shares restore nothing of the key');
    await expect(stat(out)).rejects.toThrow();
    await expect(stat(`${out}.password`)).rejects.toThrow();
  });

  it('refuses to split into a folder that already holds shares, leaving them unchanged', async () => {
    const before = await readFile(join(shares, 'share-1.json'), 'utf8');
    const again = await run(['backup', 'split', '--key', keystore, '--password-file', `${keystore}.password`, '-k', '2', '-n', '3', '--out', shares]);
    expect(again.code).toBe(2);
    expect(again.lines.join('\n')).toContain(`FILE_EXISTS at ${join(shares, 'share-1.json')}`);
    expect(again.lines).toContain('next: Concord never overwrites keys or bundles: choose another --out, or move the existing one away first');
    expect(await readFile(join(shares, 'share-1.json'), 'utf8')).toBe(before);
  });

  it('refuses to recover over an existing keystore', async () => {
    const refused = await run(['backup', 'recover', '--out', keystore, join(shares, 'share-1.json'), join(shares, 'share-2.json')]);
    expect(refused.code).toBe(2);
    expect(refused.lines.join('\n')).toContain(`FILE_EXISTS at ${keystore}`);
  });

  it('with --json, prints the split as one JSON document on stdout and its progress on stderr', async () => {
    const out = join(folder, 'json-shares');
    const split = await run(['--json', 'backup', 'split', '--key', keystore, '--password-file', `${keystore}.password`, '-k', '2', '-n', '2', '--out', out]);
    expect(split.code, split.lines.join('\n')).toBe(0);
    const result = JSON.parse(split.stdout.join('\n')) as Record<string, unknown>;
    expect(result).toEqual({
      address,
      setId: expect.stringMatching(/^0x[0-9a-f]{32}$/),
      k: 2,
      n: 2,
      folder: out,
      shares: [1, 2].map((i) => ({ index: i, json: join(out, `share-${i}.json`) })),
    });
    expect(split.lines).toContain(`unlocking ${keystore} (scrypt, about a second for a standard keystore)`);
    expect(split.stdout.join('\n')).not.toContain('unlocking');
  });

  it('with --json, prints the recovery as one JSON document on stdout', async () => {
    const out = join(folder, 'restored-json.json');
    const recovered = await run(['--json', 'backup', 'recover', '--out', out, '--light-kdf', join(shares, 'share-1.json'), join(shares, 'share-2.json')]);
    expect(recovered.code, recovered.lines.join('\n')).toBe(0);
    expect(JSON.parse(recovered.stdout.join('\n'))).toEqual({ address, keystore: out, password: `${out}.password`, passwordGenerated: true });
    expect(recovered.lines).toContain(`encrypting the restored key into ${out} (scrypt N=2^12)`);
  });

  it('with --json, refuses a threshold of 1 as a usage error: exit 2 and the error as JSON on stdout', async () => {
    const refused = await run(['--json', 'backup', 'split', '--key', keystore, '--password-file', `${keystore}.password`, '-k', '1', '-n', '3', '--out', join(folder, 'never')]);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout.join('\n'))).toEqual({
      error: {
        code: 'USAGE_INVALID',
        path: 'concord backup split',
        expected: 'arguments and options as `concord backup split --help` lists them',
        message: "option '-k <k>' argument '1' is invalid. a whole number in 2..255",
        hint: 'run the command with --help for its arguments and options; passwords go in --password-file or --password-env, never on the command line',
      },
    });
    await expect(stat(join(folder, 'never'))).rejects.toThrow();
  });
});

describe('concord backup split: where the keystore password comes from', () => {
  let folder: string;
  let keystore: string;
  let password: string;
  let outs = 0;
  const split = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
    run(['backup', 'split', '--key', keystore, '-k', '2', '-n', '2', '--out', join(folder, `shares-${++outs}`), ...args], env);

  beforeAll(async () => {
    folder = await tempFolder('backup-password');
    keystore = join(folder, 'identity.json');
    expect((await run(['identity', 'create', '--out', keystore, '--light-kdf'])).code).toBe(0);
    password = (await readFile(`${keystore}.password`, 'utf8')).trim();
  });

  it('reads --password-file first, even when the variable holds another password', async () => {
    const done = await split(['--password-file', `${keystore}.password`, '--password-env', 'OTHER_PW'], { OTHER_PW: 'not the password', CONCORD_PASSWORD: 'not the password' });
    expect(done.code, done.lines.join('\n')).toBe(0);
  });

  it('reads $CONCORD_PASSWORD when no file or variable is named', async () => {
    const done = await split([], { CONCORD_PASSWORD: password });
    expect(done.code, done.lines.join('\n')).toBe(0);
  });

  it('refuses a wrong password from the variable, exit 2, saying what to check next', async () => {
    const refused = await split(['--password-env', 'OTHER_PW'], { OTHER_PW: 'not the password' });
    expect(refused.code).toBe(2);
    expect(refused.lines).toContain(`error: PASSWORD_WRONG at ${keystore}: expected the password this keystore was encrypted with`);
    expect(refused.lines).toContain('next: check the password file (--password-file) or variable (--password-env) belongs to this keystore');
  });

  it('with neither a file nor the variable and no terminal to prompt on, refuses with exit 2 naming the variable', async () => {
    const refused = await split([]);
    expect(refused.code).toBe(2);
    expect(refused.lines).toContain('error: FILE_INVALID at $CONCORD_PASSWORD: expected the keystore password in --password-file or in $CONCORD_PASSWORD');
    expect(refused.lines.some((line) => line.startsWith('next: '))).toBe(true);
  });

  it('with neither a file nor the variable, asks on the terminal and does not echo what is typed', async () => {
    const out = join(folder, `shares-${++outs}`);
    const asked = await onTerminal(['backup', 'split', '--key', keystore, '-k', '2', '-n', '2', '--out', out], 'keystore password: ', `${password}\r`);
    expect(asked.code, asked.screen).toBe(0);
    expect(asked.screen).toContain(`unlocking ${keystore}`);
    expect(asked.screen).not.toContain(password);
    expect((await readdir(out)).sort()).toEqual(['share-1.json', 'share-2.json']);
  });

  it('refuses a password given as an option (--password), exit 2, never printing it', async () => {
    for (const args of [['--password', 'hunter2-secret'], ['--password=hunter2-secret']]) {
      const refused = await split(args, { CONCORD_PASSWORD: password });
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.lines[0]).toMatch(/^error: unknown option '--password(=…)?'/);
      expect(refused.lines.join('\n')).not.toContain('hunter2');
      expect(refused.lines).toContain('next: run the command with --help for its arguments and options; passwords go in --password-file or --password-env, never on the command line');
    }
  });
});
