/**
 * The env-file writer and parser (shared/bundle/env-file.ts): what it writes parses back unchanged,
 * and every value a dotenv 5 or docker reader would change is refused, by key, without echoing it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { envValueProblem, parseEnvFile, serializeEnvFile, type EnvLine } from '../../../shared/bundle/env-file.js';
import { expectThrows } from '../../helpers/errors.js';

const SAFE_CHARS = 'abcXYZ019 <>:/._-@,;=+()[]{}!?$%&*~'.split('');
const safeValue = fc
  .array(fc.constantFrom(...SAFE_CHARS), { maxLength: 40 })
  .map((chars) => chars.join('').trim());
const key = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/);

describe('serializeEnvFile / parseEnvFile', () => {
  it('writes KEY=value lines, whole-line comments and blanks, and parses back the variables in order', () => {
    const lines: EnvLine[] = [{ comment: 'a header' }, { key: 'A', value: '1' }, { blank: true }, { key: 'VALIDATORS', value: '0xAa 0xBb' }, { key: 'EMPTY', value: '' }, { key: 'P', value: '<fill me in>' }];
    const text = serializeEnvFile(lines, 'test.env');
    expect(text).toBe('# a header\nA=1\n\nVALIDATORS=0xAa 0xBb\nEMPTY=\nP=<fill me in>\n');
    expect([...parseEnvFile(text, 'test.env')]).toEqual([
      ['A', '1'],
      ['VALIDATORS', '0xAa 0xBb'],
      ['EMPTY', ''],
      ['P', '<fill me in>'],
    ]);
  });

  it('round-trips any list of safe variables (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, safeValue), { selector: ([k]) => k, maxLength: 12 }), (pairs) => {
        const text = serializeEnvFile(pairs.map(([k, value]) => ({ key: k, value })), 'p.env');
        expect([...parseEnvFile(text, 'p.env')]).toEqual(pairs);
      }),
    );
  });

  it('refuses any value holding a character some reader changes (property)', () => {
    fc.assert(
      fc.property(safeValue, fc.constantFrom('\n', '\r', '"', "'", '`', '#', '\\'), safeValue, (before, bad, after) => {
        expect(envValueProblem(`${before}${bad}${after}`)).not.toBeNull();
      }),
    );
  });

  // Each value carries the marker zq9, which the error must not repeat (a value may be a key).
  const HOSTILE_VALUES: [string, string][] = [
    ['a newline', 'zq9\nB=2'],
    ['a carriage return', 'zq9\r'],
    ['a double quote', '"zq9"'],
    ['a single quote', "zq9's"],
    ['a backquote', '`zq9`'],
    ['an inline comment', 'zq9 # comment'],
    ['a backslash', 'zq9\\n'],
    ['a leading space', ' zq9'],
    ['a trailing space', 'zq9 '],
    ['a trailing tab', 'zq9\t'],
  ];
  for (const [name, value] of HOSTILE_VALUES) {
    it(`refuses a value with ${name}, naming the key and not the value`, () => {
      const error = expectThrows(() => serializeEnvFile([{ key: 'SECRET_ISH', value }], 'x.env'), 'FILE_INVALID', 'x.env.SECRET_ISH');
      expect(error.message).not.toContain('zq9');
    });
  }

  it('says what a valid value is (pinned text)', () => {
    expect(() => serializeEnvFile([{ key: 'A', value: 'x # y' }], 'x.env')).toThrowErrorMatchingInlineSnapshot(`[ConcordError: FILE_INVALID at x.env.A: expected a value without newline, line separator, quote, backquote, # or backslash (dotenv and docker read those differently)]`);
    expect(() => serializeEnvFile([{ key: 'A', value: 'x ' }], 'x.env')).toThrowErrorMatchingInlineSnapshot(`[ConcordError: FILE_INVALID at x.env.A: expected a value without leading or trailing whitespace (dotenv trims it)]`);
  });

  it('refuses bad keys, a repeated key and a comment over two lines', () => {
    expectThrows(() => serializeEnvFile([{ key: 'lower', value: '1' }], 'x.env'), 'FILE_INVALID', 'x.env.lower');
    expectThrows(() => serializeEnvFile([{ key: '1A', value: '1' }], 'x.env'), 'FILE_INVALID', 'x.env.1A');
    expectThrows(() => serializeEnvFile([{ key: 'A', value: '1' }, { key: 'A', value: '2' }], 'x.env'), 'FILE_INVALID', 'x.env.A');
    expectThrows(() => serializeEnvFile([{ comment: 'two\nlines' }], 'x.env'), 'FILE_INVALID', 'x.env');
  });

  const HOSTILE_LINES: [string, string, string][] = [
    ['a line without =', 'A=1\nJUSTTEXT\n', 'f:2'],
    ['a lowercase key', 'a=1\n', 'f:1'],
    ['a repeated key', 'A=1\nA=2\n', 'f:2'],
    ['a quoted value', 'A="1"\n', 'f:1'],
    ['an inline comment', 'A=1 # one\n', 'f:1'],
    ['export syntax', 'export A=1\n', 'f:1'],
  ];
  for (const [name, text, path] of HOSTILE_LINES) {
    it(`parse refuses ${name} at ${path}`, () => {
      expectThrows(() => parseEnvFile(text, 'f'), 'FILE_INVALID', path);
    });
  }
});
