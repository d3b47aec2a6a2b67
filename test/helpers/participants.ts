/**
 * A test member taking part through the real client session (`participate`), over real websockets,
 * with light keystores (unless a test asks for others) and the spec accepted as a person with `--yes`
 * would.
 */
import { participate, type Participation } from '../../client/ceremony/participate.js';
import { LIGHT_SCRYPT } from '../../client/keys/kdf.js';
import type { ScryptParams } from '../../shared/keys/keystore.js';
import type { TestCeremony, TestMember } from './ceremony.js';

export interface TestJoin {
  wsUrl: string;
  ceremony: TestCeremony;
  member: TestMember;
  /** The member's folder: keys, record, receipts, artifact. */
  folder: string;
  endpoints: readonly string[];
  /** Progress lines; dropped if absent. */
  report?: (line: string) => void;
  /** The keystores' scrypt cost; light if absent. */
  scrypt?: ScryptParams;
}

/** Runs `member`'s side of the ceremony to its end. */
export function joinAs({ wsUrl, ceremony, member, folder, endpoints, report, scrypt }: TestJoin): Promise<Participation> {
  return participate({
    wsUrl,
    ceremonyId: ceremony.spec.ceremonyId,
    identity: { address: member.identity.address, secretKey: member.identity.secretKey },
    folder,
    endpoints,
    expectedSpecHash: ceremony.specHash,
    confirm: async () => true,
    scrypt: scrypt ?? LIGHT_SCRYPT,
    report: report ?? ((): void => undefined),
  });
}
