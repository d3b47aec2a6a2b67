/**
 * A governed consortium for revision-bundle tests: a ceremony run to FINALIZED through the real reducer
 * (test/unit/governance/fixture.ts), then changes passed by real signed votes, each revision artifact
 * sealed by the coordinator, serialized and parsed back as `concord revision fetch` saves it, and the
 * chain verified (shared/governance/verify-revisions.ts). Each member's key folder is kept as its
 * client keeps it: every key it ever enrolled, by role and index (`keys/<role>-<index>.json`).
 *
 *   const chain = await revisionChain();                        // Acme (2 nodes), Bolt, Crane; revision 0
 *   chain.folder('Bolt').add('authority', 1, node.signer);        // as `propose add-authority` makes them
 *   await chain.pass('Bolt', node.change);                         // revision 1
 *   const built = await chain.build('Bolt', 1);                    // Bolt's bundle for revision 1
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { GenesisArtifact } from '../../../shared/artifact/schema.js';
import { encryptKeystore } from '../../../shared/keys/keystore.js';
import { parseSpec } from '../../../shared/spec/parse.js';
import type { CeremonySpec } from '../../../shared/spec/schema.js';
import type { Change } from '../../../shared/governance/change.js';
import { verifyRevisionChain } from '../../../shared/governance/verify-revisions.js';
import { buildRevisionMemberBundle, type MemberBundle, type MemberKeyring, type RevisionFile, type SignerKeyMaterial } from '../../../shared/bundle/member.js';
import type { KeyRole } from '../../../shared/bundle/member-keys.js';
import { bundleChainOf } from '../../../shared/bundle/bundle-revision.js';
import { readersServedBy } from '../../../shared/bundle/read-access.js';
import { readerRandomness } from '../../../client/keys/reader-credentials.js';
import { fileBytes, MANIFEST_FILE, serializeManifest } from '../../../shared/bundle/manifest.js';
import type { FolderFile } from '../../../shared/bundle/verify-bundle.js';
import { governed, type GovernanceRun, type Signer } from '../governance/fixture.js';
import type { MemberLayout, TestKey } from '../../helpers/ceremony.js';

/** Three members, four authority nodes (Acme runs two), three bridge validators; governance threshold 2. */
export const REVISION_LAYOUT: readonly MemberLayout[] = [
  { name: 'Acme', authorityNodes: 2, bridgeValidators: 1 },
  { name: 'Bolt', authorityNodes: 1, bridgeValidators: 1 },
  { name: 'Crane', authorityNodes: 1, bridgeValidators: 1 },
];

const CHEAP_SCRYPT = { N: 1 << 10, r: 8, p: 1 };

/** A member's key folder: every key it enrolled, by role and index. */
export class KeyFolder {
  private readonly keys = new Map<string, TestKey>();
  private readonly keystores = new Map<string, SignerKeyMaterial>();

  /** Adds the key at `keys/<role>-<index>.json`. */
  add(role: KeyRole, index: number, key: TestKey): this {
    this.keys.set(`${role}-${index}`, key);
    return this;
  }

  /** The key at `keys/<role>-<index>.json`. */
  get(role: KeyRole, index: number): TestKey {
    const key = this.keys.get(`${role}-${index}`);
    if (key === undefined) throw new Error(`no keys/${role}-${index}.json`);
    return key;
  }

  /** Every key, as `[role, index, key]`. */
  entries(): [KeyRole, number, TestKey][] {
    return [...this.keys].map(([name, key]) => {
      const [role, index] = name.split('-') as [KeyRole, string];
      return [role, Number(index), key];
    });
  }

  /** Every key decrypted, as the client holds them (signer keystores encrypted once, with a cheap scrypt). */
  async keyring(): Promise<MemberKeyring> {
    const keyring = { authority: new Map<number, SignerKeyMaterial>(), node: new Map<number, Uint8Array>(), bridge: new Map<number, Uint8Array>() };
    for (const [role, index, key] of this.entries()) {
      if (role !== 'authority') {
        keyring[role].set(index, key.secretKey);
        continue;
      }
      let material = this.keystores.get(key.address);
      if (material === undefined) {
        const password = randomBytes(24).toString('base64');
        const keystoreJson = await encryptKeystore(key.secretKey, password, { salt: randomBytes(32), iv: randomBytes(16), uuid: randomBytes(16) }, CHEAP_SCRYPT);
        material = { keystoreJson, password, secretKey: key.secretKey };
        this.keystores.set(key.address, material);
      }
      keyring.authority.set(index, material);
    }
    return keyring;
  }
}

/** A governed consortium, the key folder of each member, and its verified revision files. */
export class RevisionChain {
  readonly folders = new Map<string, KeyFolder>();
  /** Revisions 1..n as saved and verified, in order. */
  revisions: RevisionFile[] = [];
  readonly genesis: GenesisArtifact;
  readonly genesisText: string;
  readonly spec: CeremonySpec;

  constructor(readonly gov: GovernanceRun) {
    this.genesisText = `${JSON.stringify(gov.genesisArtifact(), null, 2)}\n`;
    this.genesis = JSON.parse(this.genesisText) as GenesisArtifact;
    this.spec = parseSpec(this.genesis.spec);
    for (const member of gov.ceremony.members) {
      const folder = new KeyFolder();
      member.authorities.forEach((node, i) => folder.add('authority', i, node.signer).add('node', i, node.node));
      member.bridgeValidators.forEach((key, i) => folder.add('bridge', i, key));
      this.folders.set(member.name, folder);
    }
  }

  /** A member's key folder (made empty for a member admitted later). */
  folder(name: string): KeyFolder {
    let folder = this.folders.get(name);
    if (folder === undefined) {
      folder = new KeyFolder();
      this.folders.set(name, folder);
    }
    return folder;
  }

  /** The signer of a member of the current revision, by name. */
  signer(name: string): Signer {
    const member = this.gov.current.members.find((m) => m.name === name);
    if (member === undefined) throw new Error(`no member ${name} in revision ${this.gov.current.revision}`);
    return this.gov.signerOf(member.identity);
  }

  /** Passes `change` proposed by `proposer`, then saves and verifies every revision (as `revision fetch` does). */
  async pass(proposer: string, change: Change): Promise<number> {
    await this.gov.pass(this.signer(proposer), change);
    const texts = (await this.gov.revisionArtifacts()).map((artifact) => `${JSON.stringify(artifact, null, 2)}\n`);
    const report = await verifyRevisionChain(JSON.parse(this.genesisText), texts.map((text) => JSON.parse(text) as unknown));
    expect(report.failures).toEqual([]);
    this.revisions = report.revisions.map((artifact, i) => ({ artifact, text: texts[i] as string }));
    return this.revisions.length;
  }

  /** The identity of a member of any revision, by name. */
  identity(name: string): string {
    const found = this.gov.ceremony.members.find((member) => member.name === name) ?? this.gov.admitted.find((signer) => signer.name === name);
    if (found === undefined) throw new Error(`no member ${name}`);
    return found.identity.address;
  }

  /** `name`'s bundle for revision `n` (0: genesis), built from its whole key folder (or `keyring`). */
  async build(name: string, n: number, keyring?: MemberKeyring): Promise<MemberBundle> {
    return this.buildFrom(name, this.revisions.slice(0, n), keyring ?? (await this.folder(name).keyring()));
  }

  /** `name`'s bundle for the last of `revisions`, from `keys` (with fresh randomness for each reader it serves, as the client draws it). */
  buildFrom(name: string, revisions: readonly RevisionFile[], keys: MemberKeyring): MemberBundle {
    const inForce = bundleChainOf(this.genesis, this.spec, revisions.map((file) => file.artifact)).latest.spec;
    const readers = readerRandomness(readersServedBy(inForce, name).map((reader) => reader.name));
    return buildRevisionMemberBundle({ artifact: this.genesis, artifactText: this.genesisText, revisions, spec: this.spec, member: this.identity(name), keys, includeOracleKeys: false, readerRandomness: readers });
  }
}

/** A consortium of `REVISION_LAYOUT` at revision 0. */
export async function revisionChain(ceremonyId = 'bundle-revision'): Promise<RevisionChain> {
  return new RevisionChain(await governed({ layout: REVISION_LAYOUT, ceremonyId, requiredSignatures: 2 }));
}

/** A built bundle as the CLI writes it to disk: secrets 0600, everything else 0644, and manifest.json. */
export function folderOf(built: MemberBundle): FolderFile[] {
  return [
    ...built.files.map((file) => ({ path: file.path, content: fileBytes(file), mode: file.secret ? 0o600 : 0o644 })),
    { path: MANIFEST_FILE, content: new TextEncoder().encode(serializeManifest(built.manifest)), mode: 0o644 },
  ];
}
