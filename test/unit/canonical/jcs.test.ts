import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../../shared/canonical/jcs.js';
import { expectThrows, thrown } from '../../helpers/errors.js';

interface NumberVector {
  ieee754: string;
  json: string | null;
  comment: string;
}
interface DocumentVector {
  name: string;
  input: string;
  output: string;
  outputUtf8Hex: string;
}

function readVectors<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../vectors/rfc8785/${name}`, import.meta.url), 'utf8')) as T;
}

const NUMBERS = readVectors<{ vectors: NumberVector[] }>('numbers.json').vectors;
const DOCUMENTS = readVectors<{ documents: DocumentVector[] }>('documents.json').documents;

function doubleOf(ieee754: string): number {
  return Buffer.from(ieee754, 'hex').readDoubleBE(0);
}

/** A seeded Fisher–Yates shuffle (mulberry32), so a failing property shrinks to a reproducible order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The same JSON value with every object's members inserted in another order. */
function reordered(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item, i) => reordered(item, seed + i + 1));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of shuffled(Object.keys(record), seed)) {
    Object.defineProperty(out, key, { value: reordered(record[key], seed * 31 + key.length), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const jsonValues = fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 4 });

describe('canonicalize: RFC 8785 known answers', () => {
  describe('numbers (RFC 8785 Appendix B)', () => {
    for (const vector of NUMBERS.filter((v) => v.json !== null)) {
      it(`writes ${vector.ieee754} as ${vector.json}${vector.comment === '' ? '' : ` (${vector.comment})`}`, () => {
        expect(canonicalize(doubleOf(vector.ieee754))).toBe(vector.json);
        expect(canonicalize([doubleOf(vector.ieee754)])).toBe(`[${vector.json}]`);
      });
    }
    for (const vector of NUMBERS.filter((v) => v.json === null)) {
      it(`refuses ${vector.ieee754} (${vector.comment})`, () => {
        expectThrows(() => canonicalize(doubleOf(vector.ieee754)), 'MESSAGE_INVALID', '');
      });
    }
  });

  it('writes 1e21 in exponent form and 1e20 in full, as ECMAScript Number.prototype.toString does', () => {
    expect(canonicalize(1e21)).toBe('1e+21');
    expect(canonicalize(1e20)).toBe('100000000000000000000');
    expect(canonicalize(1e-7)).toBe('1e-7');
    expect(canonicalize(0.000001)).toBe('0.000001');
  });

  it('writes -0 as 0', () => {
    expect(canonicalize(-0)).toBe('0');
    expect(canonicalize({ a: -0 })).toBe('{"a":0}');
  });

  it('writes 333333333.33333329 as 333333333.3333333', () => {
    expect(canonicalize(333333333.33333329)).toBe('333333333.3333333');
  });

  describe('documents (RFC 8785 §3.2.2–§3.2.4, cyberphone testdata)', () => {
    for (const vector of DOCUMENTS) {
      it(`canonicalizes ${vector.name}`, () => {
        const text = canonicalize(JSON.parse(vector.input));
        expect(text).toBe(vector.output);
        expect(Buffer.from(text, 'utf8').toString('hex')).toBe(vector.outputUtf8Hex);
      });
    }
  });

  it('sorts members by UTF-16 code units, as the RFC 8785 §3.2.3 example orders them', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the order from the text: JSON.parse would put the integer-like name "1" first whatever the text says.
    const textOrder = [...canonicalize(input).matchAll(/:"([^"]+)"/g)].map((match) => match[1]);
    expect(textOrder).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('sorts integer-like member names as strings, not in JavaScript\'s numeric property order', () => {
    expect(canonicalize({ 10: 'a', 2: 'b', 1: 'c', b: 'd', '01': 'e' })).toBe('{"01":"e","1":"c","10":"a","2":"b","b":"d"}');
  });

  it('sorts nested objects and keeps array order', () => {
    expect(canonicalize({ b: [{ z: 1, a: 2 }, 3], a: { d: null, c: true } })).toBe('{"a":{"c":true,"d":null},"b":[{"a":2,"z":1},3]}');
  });

  it('writes no whitespace', () => {
    expect(canonicalize({ a: [1, { b: 'c d' }], e: [] })).toBe('{"a":[1,{"b":"c d"}],"e":[]}');
    expect(canonicalize({})).toBe('{}');
    expect(canonicalize([])).toBe('[]');
  });
});

describe('canonicalize: string escaping (RFC 8785 §3.2.2.2)', () => {
  const table: [string, string, string][] = [
    ['backspace', '\b', '"\\b"'],
    ['tab', '\t', '"\\t"'],
    ['line feed', '\n', '"\\n"'],
    ['form feed', '\f', '"\\f"'],
    ['carriage return', '\r', '"\\r"'],
    ['U+0000', '\u0000', '"\\u0000"'],
    ['U+000F in lowercase hex', '\u000f', '"\\u000f"'],
    ['U+001F', '\u001f', '"\\u001f"'],
    ['quotation mark', '"', '"\\""'],
    ['reverse solidus', '\\', '"\\\\"'],
    ['solidus (not escaped)', '/', '"/"'],
    ['DEL U+007F (not escaped)', '\u007f', '"\u007f"'],
    ['U+0080 (not escaped)', '\u0080', '"\u0080"'],
    ['line separator U+2028 (not escaped)', '\u2028', '"\u2028"'],
    ['euro sign (not escaped)', '€', '"€"'],
    ['a surrogate pair (not escaped)', '\ud83d\ude00', '"\ud83d\ude00"'],
  ];
  for (const [name, input, output] of table) {
    it(`writes ${name} as ${JSON.stringify(output)}`, () => {
      expect(canonicalize(input)).toBe(output);
      expect(canonicalize({ [input]: input })).toBe(`{${output}:${output}}`);
    });
  }

  it('escapes every other control character as \\u00xx with lowercase hex digits', () => {
    const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
    for (let code = 0; code < 0x20; code++) {
      const expected = short[code] ?? `\\u${code.toString(16).padStart(4, '0')}`;
      expect(canonicalize(String.fromCharCode(code)), `U+${code.toString(16)}`).toBe(`"${expected}"`);
    }
  });
});

describe('canonicalize: refusals', () => {
  it('refuses NaN and the infinities, naming where they are', () => {
    expectThrows(() => canonicalize(Number.NaN), 'MESSAGE_INVALID', '');
    expectThrows(() => canonicalize(Number.POSITIVE_INFINITY), 'MESSAGE_INVALID', '');
    expectThrows(() => canonicalize({ a: [1, Number.NEGATIVE_INFINITY] }), 'MESSAGE_INVALID', 'a[1]');
    const error = expectThrows(() => canonicalize({ deep: { value: Number.NaN } }), 'MESSAGE_INVALID', 'deep.value');
    expect(error.expected).toBe('a finite number (JCS has no NaN or Infinity)');
    expect(error.message).toMatchInlineSnapshot(`"MESSAGE_INVALID at deep.value: expected a finite number (JCS has no NaN or Infinity)"`);
  });

  it('refuses strings with a lone surrogate, in values and in member names', () => {
    expectThrows(() => canonicalize('\ud800'), 'MESSAGE_INVALID', '');
    expectThrows(() => canonicalize('\udc00'), 'MESSAGE_INVALID', '');
    expectThrows(() => canonicalize('ends with a high surrogate \ud83d'), 'MESSAGE_INVALID', '');
    expectThrows(() => canonicalize('\ude00\ud83d'), 'MESSAGE_INVALID', '');
    expectThrows(() => canonicalize(['ok', { name: 'x\udfffy' }]), 'MESSAGE_INVALID', '[1].name');
    const error = expectThrows(() => canonicalize({ outer: { 'k\ud800': 1 } }), 'MESSAGE_INVALID', 'outer.k\ud800');
    expect(error.expected).toBe('a string without lone UTF-16 surrogates');
  });

  it('refuses a bigint', () => {
    expectThrows(() => canonicalize(1n), 'MESSAGE_INVALID', '');
    const error = expectThrows(() => canonicalize({ amounts: [0, 10n ** 30n] }), 'MESSAGE_INVALID', 'amounts[1]');
    expect(error.expected).toBe('a JSON value (null, boolean, number, string, array or object)');
  });

  it('refuses undefined at the top level and in an array', () => {
    expectThrows(() => canonicalize(undefined), 'MESSAGE_INVALID', '');
    expectThrows(() => canonicalize([1, undefined]), 'MESSAGE_INVALID', '[1]');
  });

  it('leaves out object members whose value is undefined, as JSON.stringify does', () => {
    expect(canonicalize({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalize({ a: { b: undefined } })).toBe('{"a":{}}');
  });

  it('refuses functions and symbols', () => {
    expectThrows(() => canonicalize(() => 1), 'MESSAGE_INVALID', '');
    expectThrows(() => canonicalize({ f: () => 1 }), 'MESSAGE_INVALID', 'f');
    expectThrows(() => canonicalize([Symbol('s')]), 'MESSAGE_INVALID', '[0]');
  });
});

describe('canonicalize: laws', () => {
  it('is idempotent: canonicalize(JSON.parse(canonicalize(x))) === canonicalize(x)', () => {
    fc.assert(
      fc.property(jsonValues, (value) => {
        const text = canonicalize(value);
        expect(canonicalize(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('is free of member order', () => {
    fc.assert(
      fc.property(jsonValues, fc.integer(), (value, seed) => {
        expect(canonicalize(reordered(value, seed))).toBe(canonicalize(value));
      }),
      { numRuns: 300 },
    );
  });

  it('writes the same data JSON.stringify writes', () => {
    fc.assert(
      fc.property(jsonValues, (value) => {
        expect(JSON.parse(canonicalize(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('accepts exactly the strings that are well-formed UTF-16', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (value) => {
        const wellFormed = Buffer.from(value, 'utf8').toString('utf8') === value;
        if (wellFormed) expect(canonicalize(value)).toBe(JSON.stringify(value));
        else expect(thrown(() => canonicalize(value)).code).toBe('MESSAGE_INVALID');
      }),
      { numRuns: 200 },
    );
  });
});
