// The lossless JSON reader: every integer beyond 2^53 exact (as its decimal string), every string
// untouched whatever it holds, and a key repeated with another value refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DuplicateKeyError, Int64Digits, int64Digits, readJson, writeJson } from '../../src/json.js';

/**
 * What readJson gives for a value written with exact integers: an integer written beyond 2^53 as its
 * digits (a large double JSON writes without an exponent, such as 1e16, included: by design).
 */
function expected(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) && !/e/.test(String(value))) return String(value);
  if (Array.isArray(value)) return value.map(expected);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expected(v)]));
  return value;
}
/** The value with its bigints written as bare digits (as a vendor writes int64s). */
function wire(value: unknown): unknown {
  if (typeof value === 'bigint') return new Int64Digits(String(value));
  if (Array.isArray(value)) return value.map(wire);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wire(v)]));
  return value;
}

// Strings that look like what the reader looks for: digit runs, colons, quotes, backslashes.
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom('":7226277271248584971', '\\":', 'a\\\\', '"x":1', '12345678901234567890', ' : ', '\\'),
  fc.stringMatching(/^[0-9":\\, ]{0,30}$/),
);
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    int64,
    fc.integer(),
    // (-0 is written as 0 by JSON itself.)
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
    tricky,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(tricky, tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('readJson', () => {
  it('reads any JSON exactly: int64s beyond 2^53 as their digits, safe numbers and every string as they are', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(readJson(writeJson(wire(value)))).toEqual(expected(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the integers in any layout JSON allows (spaces, new lines) and leaves fractions and exponents to JSON.parse', () => {
    const text = '{ "id" :\n 7226277271248584971 , "ids":[ -9007199254740993,9007199254740991 ], "f": 12345678901234567.5, "e": 12345678901234567e2 }';
    expect(readJson(text)).toEqual({ id: '7226277271248584971', ids: ['-9007199254740993', 9007199254740991], f: 12345678901234568, e: 1.2345678901234567e18 });
  });

  it('refuses a key repeated with a different value, naming its path; the same value repeated passes', () => {
    const repeated = (text: string) => {
      try {
        readJson(text);
        return undefined;
      } catch (error) {
        expect(error).toBeInstanceOf(DuplicateKeyError);
        return (error as DuplicateKeyError).path;
      }
    };
    expect(repeated('{"Result":{"Status":[{"IsInConversation":false,"IsInConversation":true}]}}')).toBe('Result.Status.0.IsInConversation');
    expect(repeated('{"a":{"b":1},"a":{"b":2}}')).toBe('a');
    expect(repeated('{"a" : 1, "a":2}')).toBe('a');
    expect(repeated('{"a\\\\":1,"a\\\\":2}')).toBe('a\\');
    expect(repeated('{"a":1,"a":1,"b":[{"c":"x","c":"x"}]}')).toBeUndefined();
    // A string that looks like a repeated key is a string.
    expect(repeated('{"a":"\\"a\\":1,\\"a\\":2"}')).toBeUndefined();
  });

  it('leaves what is not JSON to JSON.parse: a SyntaxError', () => {
    for (const text of ['{"a":', '{"a":1', '[1,2', 'not json', '{"a":"unterminated}']) expect(() => readJson(text)).toThrow(SyntaxError);
  });
});

describe('int64Digits', () => {
  it('takes exactly the canonical decimal int64s (as /^(0|-?[1-9]\\d*)$/ within the range), whatever the string', () => {
    const canonical = (s: string) => /^(0|-?[1-9]\d*)$/.test(s) && BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n;
    for (const s of [
      '',
      '-',
      '0',
      '-0',
      '00',
      '007',
      '+1',
      ' 1',
      '1 ',
      '1.0',
      '1e3',
      '１',
      '-1',
      '9223372036854775807',
      '9223372036854775808',
      '-9223372036854775808',
      '-9223372036854775809',
      '12345678901234567890123',
    ]) {
      expect(int64Digits(s) === s, JSON.stringify(s)).toBe(canonical(s));
    }
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String), fc.stringMatching(/^-?[0-9]{0,21}$/), fc.string()), (s) => {
        expect(int64Digits(s) === s).toBe(canonical(s));
      }),
      { numRuns: 3000 },
    );
  });
});
