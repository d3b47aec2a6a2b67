/**
 * Env files (`KEY=value` lines) as the tokenbridge reads them: the contracts' `deploy/src/loadEnv.js`
 * and the oracle's `oracle/env.js` load them with dotenv, and operators pass the oracle's to docker
 * (`env_file` / `--env-file`). The one writer of the format, and a parser for tests and `verify`.
 *
 * What the readers do, and so what we refuse to write:
 * - dotenv 5 (REFERENCE.md §4; motdotla/dotenv `lib/main.js` 5.x `parse`, whose
 *   `RE_INI_KEY_VAL` several stored copies quote; the index holds the 1.x and 16.x files): a line matches
 *   `^\s*([\w.-]+)\s*=\s*(.*)?\s*$`; the value is trimmed and a leading or trailing `'`/`"` is removed
 *   one by one (`replace(/(^['"]|['"]$)/g, '')`), `\n` is expanded inside double quotes; everything
 *   else, `#` included, is kept: there are no inline comments. A line that does not match (a full-line
 *   `# comment`, a blank line) is skipped.
 * - docker compose v1 `env_file` keeps quotes as part of the value (REFERENCE.md §4); newer dotenv
 *   (d0675f2b `LINE`) and compose v2 treat ` #` as an inline comment.
 * So a value must survive every reader unchanged: no newline or carriage return, no `'`, `"` or `` ` ``,
 * no `#`, no `\`, no leading or trailing whitespace. Keys are `[A-Z][A-Z0-9_]*`. Comments are only
 * whole lines.
 */
import { ConcordError, joinPath } from '../errors.js';

/** One line of an env file: a variable, a whole-line comment, or a blank line. */
export type EnvLine = { key: string; value: string } | { comment: string } | { blank: true };

const KEY = /^[A-Z][A-Z0-9_]*$/;
// U+2028 and U+2029: dotenv 5's line pattern `(.*)` has no `s` flag, so they end the value and the
// whole variable is dropped (motdotla/dotenv v5.0.1 lib/main.js `parse`).
const UNSAFE_VALUE = /[\r\n\u2028\u2029'"`#\\]/;

/** Why `value` cannot be written as an env value, or null if it can. */
export function envValueProblem(value: string): string | null {
  if (UNSAFE_VALUE.test(value)) return 'a value without newline, line separator, quote, backquote, # or backslash (dotenv and docker read those differently)';
  if (value !== value.trim()) return 'a value without leading or trailing whitespace (dotenv trims it)';
  return null;
}

/**
 * Serializes env lines. `file` names the file in errors; a refused value is reported by key, never
 * echoed (it may be a key).
 */
export function serializeEnvFile(lines: readonly EnvLine[], file: string): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    if ('blank' in line) {
      out.push('');
    } else if ('comment' in line) {
      if (/[\r\n]/.test(line.comment)) throw new ConcordError('FILE_INVALID', file, 'a comment on one line');
      out.push(line.comment === '' ? '#' : `# ${line.comment}`);
    } else {
      if (!KEY.test(line.key)) throw new ConcordError('FILE_INVALID', joinPath(file, line.key), 'a variable name of A-Z, 0-9 and _ starting with a letter');
      if (seen.has(line.key)) throw new ConcordError('FILE_INVALID', joinPath(file, line.key), 'each variable once');
      seen.add(line.key);
      const problem = envValueProblem(line.value);
      if (problem !== null) throw new ConcordError('FILE_INVALID', joinPath(file, line.key), problem);
      out.push(`${line.key}=${line.value}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * Parses an env file the way dotenv 5 does for the values we write (whole-line comments and blank
 * lines skipped), but strictly: a line that is neither, a repeated key or an unsafe value is an error.
 * Returns the variables in file order.
 */
export function parseEnvFile(text: string, file: string): Map<string, string> {
  const vars = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? '' : line.slice(0, eq);
    if (!KEY.test(key)) throw new ConcordError('FILE_INVALID', where, 'KEY=value, a # comment or a blank line');
    if (vars.has(key)) throw new ConcordError('FILE_INVALID', where, `each variable once (${key} repeats)`);
    const value = line.slice(eq + 1);
    const problem = envValueProblem(value);
    if (problem !== null) throw new ConcordError('FILE_INVALID', where, problem);
    vars.set(key, value);
  });
  return vars;
}
