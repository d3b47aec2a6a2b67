/**
 * Ceremony key passwords: generated into a 0600 file beside each keystore, or supplied by the member as
 * keys/<role>-<i>.password before the key is made; a supplied file must be mode 0600 and hold a password
 * of at least 16 characters, and a refused one stops the client before any key is made.
 */
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptKeystore } from '../../../shared/keys/keystore.js';
import { addressOf } from '../../../shared/crypto/secp256k1.js';
import { keyPaths, loadOrCreateKeys } from '../../../client/keys/ceremony-keys.js';
import { LIGHT_SCRYPT } from '../../../client/keys/kdf.js';
import { makeCeremony, type TestMember } from '../../helpers/ceremony.js';
import { expectRejects } from '../../helpers/errors.js';
import { tempFolder } from '../../helpers/temp.js';

const member = (makeCeremony({ ceremonyId: 'keys', layout: [{ name: 'Solo', authorityNodes: 1, bridgeValidators: 1 }] }).members[0] as TestMember).spec;

/** A fresh member folder with `content` in keys/<role>-<index>.password at `mode`. */
async function supplied(role: 'authority' | 'node' | 'bridge', index: number, content: string, mode: number): Promise<{ folder: string; path: string }> {
  const folder = await tempFolder('ceremony-keys');
  const path = keyPaths(folder, role, index).password;
  await mkdir(join(folder, 'keys'), { recursive: true, mode: 0o700 });
  await writeFile(path, content, { mode });
  await chmod(path, mode);
  return { folder, path };
}

describe('loadOrCreateKeys with a password file placed before the key is made', () => {
  it('encrypts that key with the supplied password, leaves the file as it was, and generates the others', async () => {
    const password = 'correct horse battery staple';
    const { folder, path } = await supplied('node', 0, `${password}\n`, 0o600);
    const labels: string[] = [];
    const keys = await loadOrCreateKeys(folder, member, LIGHT_SCRYPT, (_done, _total, label) => labels.push(label));

    const keystore = keyPaths(folder, 'node', 0).keystore;
    const unlocked = await decryptKeystore(await readFile(keystore, 'utf8'), password, keystore);
    expect(addressOf(unlocked.secretKey)).toBe(addressOf(keys.node[0] as Uint8Array));
    expect(await readFile(path, 'utf8')).toBe(`${password}\n`);
    expect(labels).toEqual(['made authority key 0', 'made node key 0 with the password already in its password file', 'made bridge key 0']);
    for (const role of ['authority', 'bridge'] as const) {
      const generated = keyPaths(folder, role, 0);
      expect((await stat(generated.password)).mode & 0o777).toBe(0o600);
      expect(await readFile(generated.password, 'utf8')).not.toBe(password);
    }
  });

  it.each<[string, string, number, RegExp]>([
    ['readable by others (mode 0644)', 'correct horse battery staple', 0o644, /^a password file of mode 0600, .*it has mode 0644/],
    ['group-readable (mode 0640)', 'correct horse battery staple', 0o640, /^a password file of mode 0600, .*it has mode 0640/],
    ['empty', '', 0o600, /^a non-empty password on the first line$/],
    ['too short (15 characters)', 'fifteen chars!!', 0o600, /^a password of at least 16 characters on the first line$/],
  ])('refuses a supplied file that is %s, before any key is made', async (_name, content, mode, expected) => {
    const { folder, path } = await supplied('bridge', 0, content, mode);
    const error = await expectRejects(loadOrCreateKeys(folder, member, LIGHT_SCRYPT, () => undefined), 'FILE_INVALID', path);
    expect(error.expected).toMatch(expected);
    expect(await readdir(join(folder, 'keys'))).toEqual(['bridge-0.password']);
  });
});
