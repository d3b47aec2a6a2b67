/**
 * zod at the edge: parse with `safeParse` and turn the first issue into a ConcordError whose path is
 * the issue's dot path and whose `expected` is the schema's own words (zod `core/errors.ts`:
 * `code`, `path`, `expected`). Input values are never echoed: they may be secrets.
 */
import type { z } from 'zod';
import { ConcordError, joinPath, type ErrorCode } from '../errors.js';

/** Parses `input` with `schema` or throws a ConcordError with `code`, rooted at `rootPath`. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, code: ErrorCode, rootPath: string): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: false });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new ConcordError(code, rootPath, 'a valid value');
  const path = joinPath(rootPath, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key))));
  throw new ConcordError(code, path, describeIssue(issue));
}

function typeWords(expected: string): string {
  return expected === 'int' ? 'a whole number' : `a value of type ${expected}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod's own message names the received type (never the value): "…, received undefined" is a missing field.
      return issue.message.endsWith('received undefined')
        ? `${typeWords(issue.expected)} (this field is required)`
        : typeWords(issue.expected);
    case 'unrecognized_keys':
      return `no field named ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} (unknown field)`;
    case 'invalid_value':
      return `one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'set'
        ? `at least ${issue.minimum} item(s)`
        : issue.origin === 'string'
          ? `a string of at least ${issue.minimum} character(s)`
          : `a value ${issue.inclusive ? '≥' : '>'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'set'
        ? `at most ${issue.maximum} item(s)`
        : issue.origin === 'string'
          ? `a string of at most ${issue.maximum} character(s)`
          : `a value ${issue.inclusive ? '≤' : '<'} ${issue.maximum}`;
    default:
      return issue.message;
  }
}
