/**
 * How the CLI speaks: human lines by default; with `--json`, one JSON document on stdout for scripts
 * (progress then goes to stderr, so stdout stays parseable). Errors carry a hint of what to do next.
 * Exit codes (README "Exit codes"): 0 done, 1 verification failed, 2 refused (bad input, wrong password,
 * coordinator said no), 3 the ceremony was aborted, 70 internal fault.
 */
import { ConcordError } from '../../shared/errors.js';
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

/** Prints an error (and what to do next) and returns the exit code for it. */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof ConcordError) {
    const hint = hintFor(error);
    if (json) process.stdout.write(`${JSON.stringify({ error: { ...error.toReply(), hint } }, null, 2)}\n`);
    else {
      console.error(`error: ${error.message}`);
      if (hint !== null) console.error(`next: ${hint}`);
    }
    return error.code === 'ABORTED' ? EXIT.aborted : EXIT.refused;
  }
  console.error(error);
  return EXIT.internal;
}
