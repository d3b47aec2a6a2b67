/**
 * `concord backup split` and `concord backup recover` as real processes: an identity keystore split
 * 2-of-3 (JSON and printable shares), restored from two shares into a keystore that ethers decrypts to
 * the same address, every file mode 0600, and the refusals (one share, overwriting) leaving nothing.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { startScript } from '../helpers/processes.js';
import { tempFolder } from '../helpers/temp.js';

async function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | string; lines: string[] }> {
  const child = startScript('client/bin.ts', args, env);
  const code = await child.exited;
  return { code, lines: child.lines };
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
    address = /^identity (0x[0-9a-fA-F]{40})$/.exec(created.lines[0] ?? '')?.[1] as string;
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

  it('prints where the shares are and what each custodian gets', () => {
    expect(splitLines[0]).toMatch(new RegExp(`^split ${address} into 3 shares \\(set 0x[0-9a-f]{32}\\): any 2 restore the key, 1 or fewer restore nothing$`));
    expect(splitLines.slice(1, 4)).toEqual([1, 2, 3].map((i) => `custodian ${i} gets share ${i} of 3: ${join(shares, `share-${i}.json`)} or its printable copy ${join(shares, `share-${i}.txt`)}`));
  });

  it('recovers from a printed share and a JSON share into a new keystore that ethers decrypts to the same address', async () => {
    const out = join(folder, 'restored.json');
    const recovered = await run(['backup', 'recover', '--out', out, '--light-kdf', join(shares, 'share-3.txt'), join(shares, 'share-1.json')]);
    expect(recovered.code, recovered.lines.join('\n')).toBe(0);
    expect(recovered.lines).toEqual([`restored ${address}`, `keystore ${out}`, `password ${out}.password (generated, mode 0600)`]);
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
    expect(await readFile(join(shares, 'share-1.json'), 'utf8')).toBe(before);
  });

  it('refuses to recover over an existing keystore', async () => {
    const refused = await run(['backup', 'recover', '--out', keystore, join(shares, 'share-1.json'), join(shares, 'share-2.json')]);
    expect(refused.code).toBe(2);
    expect(refused.lines.join('\n')).toContain(`FILE_EXISTS at ${keystore}`);
  });
});
