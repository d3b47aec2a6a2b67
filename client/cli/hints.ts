/**
 * What to do next, per error code: the CLI prints it under the error line.
 */
import type { ConcordError, ErrorCode } from '../../shared/errors.js';

const HINTS: Partial<Record<ErrorCode, string>> = {
  PASSWORD_WRONG: 'check the password file (--password-file) or variable (--password-env) belongs to this keystore',
  KEYSTORE_INVALID: 'point at the keystore v3 JSON file itself (e.g. keys/authority-0.json), not at its password file or a copy that was edited',
  FILE_EXISTS: 'Concord never overwrites keys or bundles: choose another --out, or move the existing one away first',
  FILE_INVALID: 'check the path and that the file holds what the error says',
  SPEC_INVALID: 'fix the named field of the ceremony spec; every member must then agree to the new spec hash',
  NOT_A_MEMBER: 'use the identity keystore whose address the spec lists for your company (concord identity create made it)',
  NOT_FOUND: 'check the --coordinator URL (ws://host:port/ws) and --ceremony id, and that the coordinator is running',
  ABORTED: 'the ceremony cannot finish; agree on a new spec (new ceremonyId) and run a new ceremony with fresh folders',
  ASSEMBLY_MISMATCH: 'do not use this coordinator\'s result: your client refused to approve; tell the other members what differs',
  ARTIFACT_INVALID: 'do not deploy this artifact; get it again from the coordinator or a member and run concord verify',
  ENDPOINT_INVALID: 'give one --endpoint host:port per authority node, each unique and reachable by the other members',
  WRONG_CEREMONY: 'the message belongs to another ceremony or spec: check --ceremony and --spec',
  RATE_LIMITED: 'wait a little and retry; the coordinator limits how fast one connection may send',
  CHANGE_INVALID: 'the change breaks a consortium rule named in the error; propose a different change',
  REVISION_MISMATCH: 'the consortium has moved on: run concord proposals to see the current revision, then propose or vote again',
  PROPOSAL_CLOSED: 'the proposal is no longer open (passed, failed, expired or stale): see concord proposal <hash>',
  DEADLINE_PASSED: 'the voting deadline has passed: propose again with a later --deadline',
  REVISION_INVALID: 'do not use this revision: fetch it again (concord revision fetch) and verify the whole chain',
  UNAUTHENTICATED: 'join with your identity keystore so the client can answer the coordinator\'s challenge',
};

/** The next step for an error, or null when there is nothing useful to add. */
export function hintFor(error: ConcordError): string | null {
  return HINTS[error.code] ?? null;
}
