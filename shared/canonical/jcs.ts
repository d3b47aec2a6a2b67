/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one serializer whose bytes we hash and sign.
 * - members sorted by the UTF-16 code units of their names (RFC 8785 §3.2.3), which is what
 *   `Array.prototype.sort` does for strings;
 * - numbers in the ECMAScript `Number.prototype.toString` form (§3.2.2.3), which `JSON.stringify` gives;
 * - strings escaped as ECMAScript `JSON.stringify` does (§3.2.2.2); lone surrogates are not I-JSON
 *   (RFC 7493 §2.1) and are refused.
 * Object members whose value is `undefined` are left out, as `JSON.stringify` does, so a value and
 * its JSON round trip canonicalize to the same bytes.
 */
import { ConcordError, joinPath } from '../errors.js';

/** Returns the RFC 8785 canonical JSON text of `value`. */
export function canonicalize(value: unknown): string {
  return write(value, '');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new ConcordError('MESSAGE_INVALID', path, 'a finite number (JCS has no NaN or Infinity)');
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new ConcordError('MESSAGE_INVALID', path, 'a string without lone UTF-16 surrogates');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item, i) => write(item, joinPath(path, i))).join(',')}]`;
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${write(key, joinPath(path, key))}:${write(record[key], joinPath(path, key))}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new ConcordError('MESSAGE_INVALID', path, 'a JSON value (null, boolean, number, string, array or object)');
  }
}
