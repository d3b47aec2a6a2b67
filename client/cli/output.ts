/**
 * How the CLI speaks: human lines by default; with `--json`, one JSON document on stdout for scripts
 * (progress then goes to stderr, so stdout stays parseable). Errors carry a hint of what to do next.
 * Exit codes (README "Exit codes"): 0 done; 1 verification failed (a check of `verify`, or an artifact,
 * a revision chain or the coordinator's assembly that does not verify where another command needs it);
 * 2 refused (bad input or usage, wrong password, the coordinator said no); 3 the ceremony was aborted;
 * 70 internal fault (a bug here, or one the coordinator reports).
 */
import { ConcordError, type ErrorCode } from '../../shared/errors.js';
import { hintFor } from './hints.js';

export const EXIT = { ok: 0, verifyFailed: 1, refused: 2, aborted: 3, internal: 70 } as const;

export interface Output {
  json: boolean;
  /** A progress line for a person. */
  progress(line: string): void;
  /** The command's result: `human` lines, or `value` as JSON with --json. */
  result(value: unknown, human: readonly string[]): void;
}

export function makeOutput(json: boolean): Output {
  return {
    json,
    progress: (line) => (json ? process.stderr.write(`${line}\n`) : console.log(line)),
    result: (value, human) => {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else for (const line of human) console.log(line);
    },
  };
}

/** The codes that mean something did not verify: exit 1, as when `concord verify` finds a check that fails. */
const VERIFY_FAILED: ReadonlySet<ErrorCode> = new Set(['ARTIFACT_INVALID', 'REVISION_INVALID', 'ASSEMBLY_MISMATCH']);

/** The exit code for an error of this code. */
export function exitCodeFor(code: ErrorCode): number {
  if (code === 'ABORTED') return EXIT.aborted;
  if (code === 'INTERNAL') return EXIT.internal;
  return VERIFY_FAILED.has(code) ? EXIT.verifyFailed : EXIT.refused;
}

/** Prints an error (and what to do next) and returns the exit code for it; anything but a ConcordError is an internal fault. */
export function reportError(error: unknown, json: boolean): number {
  let reported: ConcordError;
  if (error instanceof ConcordError) reported = error;
  else {
    console.error(error);
    reported = new ConcordError('INTERNAL', '', 'a client without internal faults (the stack trace on stderr is for a bug report)');
  }
  const hint = hintFor(reported);
  if (json) process.stdout.write(`${JSON.stringify({ error: { ...reported.toReply(), message: reported.message, hint } }, null, 2)}\n`);
  else {
    console.error(`error: ${reported.message}`);
    console.error(`next: ${hint}`);
  }
  return exitCodeFor(reported.code);
}
