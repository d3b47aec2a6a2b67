/**
 * The one error type of Concord. A stable `code` from a closed union, a `path` into the input that was
 * wrong, and what was `expected` there; the message is built from them so that it never carries input
 * values (which may be secrets). Modelled on ethers `src.ts/utils/errors.ts` (ErrorCode union) and
 * lodestar's interchange errors (code plus expected value).
 */

/**
 * Every error code Concord emits. Stable: clients and tests match on these. A list (not only a type) so
 * that what is kept per code, such as the CLI's hints (client/cli/hints.ts), can be checked to cover all.
 */
export const ERROR_CODES = [
  'SPEC_INVALID',
  'MESSAGE_INVALID',
  'MESSAGE_TOO_LARGE',
  'SIGNATURE_INVALID',
  'NOT_A_MEMBER',
  'UNAUTHENTICATED',
  'WRONG_CEREMONY',
  'WRONG_PHASE',
  'DUPLICATE',
  'COMMITMENT_MISMATCH',
  'POP_INVALID',
  'ADDRESS_REUSED',
  'ENDPOINT_INVALID',
  'APPROVAL_MISMATCH',
  'ASSEMBLY_MISMATCH',
  'CHAINSPEC_INVALID',
  'CHAINSPEC_UNSUPPORTED',
  'TRANSCRIPT_INVALID',
  'ARTIFACT_INVALID',
  'KEYSTORE_INVALID',
  'PASSWORD_WRONG',
  'FILE_INVALID',
  'FILE_EXISTS',
  'USAGE_INVALID',
  'NOT_FOUND',
  'RATE_LIMITED',
  'FORBIDDEN',
  'ABORTED',
  'CHANGE_INVALID',
  'REVISION_MISMATCH',
  'PROPOSAL_CLOSED',
  'DEADLINE_PASSED',
  'REVISION_INVALID',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The wire form of an error: what the coordinator sends and the CLI prints. */
export interface ErrorReply {
  code: ErrorCode;
  path: string;
  expected: string;
}

export class ConcordError extends Error {
  readonly code: ErrorCode;
  readonly path: string;
  readonly expected: string;

  /**
   * @param code what kind of failure
   * @param path where in the input, as a dot path (`reveal.authorities[2].pop`); '' for the whole input
   * @param expected what a valid value there is, in words; never the value that was received
   */
  constructor(code: ErrorCode, path: string, expected: string) {
    super(path === '' ? `${code}: expected ${expected}` : `${code} at ${path}: expected ${expected}`);
    this.name = 'ConcordError';
    this.code = code;
    this.path = path;
    this.expected = expected;
  }

  toReply(): ErrorReply {
    return { code: this.code, path: this.path, expected: this.expected };
  }
}

/** Throws a ConcordError unless `condition` holds (ethers' `assertArgument`). */
export function check(condition: unknown, code: ErrorCode, path: string, expected: string): asserts condition {
  if (!condition) throw new ConcordError(code, path, expected);
}

/** Joins a dot path: `joinPath('reveal', 'authorities', 2)` is `reveal.authorities[2]`. */
export function joinPath(...parts: (string | number)[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (part !== '') out += out === '' ? part : `.${part}`;
  }
  return out;
}
