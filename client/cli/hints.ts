/**
 * What to do next, per error code: the CLI prints it under the error line (`next: …`), and in the
 * `error` object of --json output. Every code has one (test/unit/cli/hints.test.ts checks them all):
 * whether the error came from this client or from the coordinator, a person reading it should know
 * what to try.
 */
import type { ConcordError, ErrorCode } from '../../shared/errors.js';

const HINTS: Record<ErrorCode, string> = {
  SPEC_INVALID: 'fix the named field of the ceremony spec; every member must then agree to the new spec hash',
  MESSAGE_INVALID: 'fix the option or value the error names (see the command\'s --help); if it names a coordinator message or frame, check that your client and the coordinator run the same Concord version',
  MESSAGE_TOO_LARGE: 'the request body is larger than the coordinator accepts: send a smaller spec or message',
  SIGNATURE_INVALID: 'check that you use the identity keystore the spec lists for your company and the coordinator the spec names; if a receipt or the coordinator\'s signature is wrong, stop and tell the other members',
  NOT_A_MEMBER: 'use the identity keystore whose address the spec lists for your company (concord identity create made it)',
  UNAUTHENTICATED: 'join with your identity keystore so the client can answer the coordinator\'s challenge',
  WRONG_CEREMONY: 'the message belongs to another ceremony or spec: check --ceremony and --spec',
  WRONG_PHASE: 'the ceremony is not in the phase this step belongs to: run concord status to see where it is, then retry when it gets there',
  DUPLICATE: 'that is already done: nothing to resend (concord status shows what the coordinator holds); for backup shares, give shares with different indexes',
  COMMITMENT_MISMATCH: 'your reveal does not open your commitment: run join again with the same --out folder (its ceremony.json holds what you committed to); never edit that file',
  POP_INVALID: 'a key\'s proof of possession does not verify: make the keys again with concord (do not edit keystores or admission files by hand)',
  ADDRESS_REUSED: 'every key must be new to the consortium: make fresh keys (a new --out or --keys folder) instead of reusing an address',
  ENDPOINT_INVALID: 'give one --endpoint host:port per authority node, each unique and reachable by the other members',
  APPROVAL_MISMATCH: 'your approval names another assembly than the coordinator\'s: run concord status, and do not approve until your client\'s assembly matches; tell the other members',
  ASSEMBLY_MISMATCH: 'do not use this coordinator\'s result: your client refused to approve; tell the other members what differs',
  CHAINSPEC_INVALID: 'fix the named field of the chain spec (it must be OpenEthereum/Parity JSON); then run concord genesis-hash on it again',
  CHAINSPEC_UNSUPPORTED: 'the chain spec uses a feature Concord does not compute the genesis of; remove the named field, or pass --client for the one node software you run',
  TRANSCRIPT_INVALID: 'the transcript does not chain: do not trust this coordinator\'s data; fetch it again, and tell the coordinator operator and the other members',
  ARTIFACT_INVALID: 'do not deploy this artifact; get it again from the coordinator or a member and run concord verify',
  KEYSTORE_INVALID: 'point at the keystore v3 JSON file itself (e.g. keys/authority-0.json), not at its password file or a copy that was edited',
  PASSWORD_WRONG: 'check the password file (--password-file) or variable (--password-env) belongs to this keystore',
  FILE_INVALID: 'check the path and that the file holds what the error says; passwords come from --password-file, --password-env or the prompt on a terminal',
  FILE_EXISTS: 'Concord never overwrites keys or bundles: choose another --out, or move the existing one away first',
  USAGE_INVALID: 'run the command with --help for its arguments and options; passwords go in --password-file or --password-env, never on the command line',
  NOT_FOUND: 'check the --coordinator URL (ws://host:port/ws) and --ceremony id, and that the coordinator is running; for a proposal or key, check the hash or address (concord proposals lists them)',
  RATE_LIMITED: 'wait a little and retry; the coordinator limits how fast one connection may send',
  FORBIDDEN: 'only the party the error names may do this (the coordinator, or the member whose keys these are): enroll only your own keys, and use the admin token only on the coordinator',
  ABORTED: 'the ceremony cannot finish; agree on a new spec (new ceremonyId) and run a new ceremony with fresh folders',
  CHANGE_INVALID: 'the change breaks a consortium rule named in the error; propose a different change',
  REVISION_MISMATCH: 'the consortium has moved on: run concord proposals to see the current revision, then propose or vote again',
  PROPOSAL_CLOSED: 'the proposal is no longer open (passed, failed, expired or stale): see concord proposal <hash>',
  DEADLINE_PASSED: 'the voting deadline has passed (or --deadline is not in the future): propose again with a later --deadline, e.g. +7d',
  REVISION_INVALID: 'do not use this revision: fetch it again (concord revision fetch) and verify the whole chain',
  INTERNAL: 'a fault in Concord, not in your input: retry once; if it stays, report it with the command and this error (the coordinator logs its own faults)',
};

/**
 * The next step for an error. A coordinator of a later version may send a code this client does not
 * know (the wire takes any string, shared/protocol/messages.ts): it gets a general hint.
 */
export function hintFor(error: ConcordError): string {
  return (HINTS as Partial<Record<string, string>>)[error.code] ?? 'the coordinator sent an error this client does not know: read it above, and check that your client runs the Concord version the coordinator does';
}
