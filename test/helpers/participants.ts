/**
 * A test member taking part through the real client session (`participate`), over real websockets,
 * with light keystores and the spec accepted as a person with `--yes` would.
 */
import { participate, type Participation } from '../../client/ceremony/participate.js';
import { LIGHT_SCRYPT } from '../../client/keys/kdf.js';
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
}

/** Runs `member`'s side of the ceremony to its end. */
export function joinAs({ wsUrl, ceremony, member, folder, endpoints, report }: TestJoin): Promise<Participation> {
  return participate({
    wsUrl,
    ceremonyId: ceremony.spec.ceremonyId,
    identity: { address: member.identity.address, secretKey: member.identity.secretKey },
    folder,
    endpoints,
    expectedSpecHash: ceremony.specHash,
    confirm: async () => true,
    scrypt: LIGHT_SCRYPT,
    report: report ?? ((): void => undefined),
  });
}
