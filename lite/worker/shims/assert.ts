/**
 * `node:assert/strict` in the browser kernel: the calls the lessons make (ok, equal,
 * notEqual, deepEqual, match, throws, rejects, fail), strict as Node's strict mode is.
 */
class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

function fail(message?: string | Error, fallback = 'Failed'): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? fallback);
}

const show = (v: unknown) => { try { return JSON.stringify(v) ?? String(v); } catch { return String(v); } };

function deepEqualValues(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<unknown>, y = b as unknown as ArrayLike<unknown>;
    return x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && deepEqualValues(v, b.get(k)));
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v));
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqualValues((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function ok(value: unknown, message?: string | Error): asserts value {
  if (!value) fail(message, `The expression evaluated to a falsy value: ${show(value)}`);
}
const equal = (a: unknown, b: unknown, message?: string | Error) => { if (!Object.is(a, b)) fail(message, `Expected values to be strictly equal: ${show(a)} !== ${show(b)}`); };
const notEqual = (a: unknown, b: unknown, message?: string | Error) => { if (Object.is(a, b)) fail(message, `Expected "actual" to be strictly unequal to: ${show(b)}`); };
const deepEqual = (a: unknown, b: unknown, message?: string | Error) => { if (!deepEqualValues(a, b)) fail(message, `Expected values to be strictly deep-equal: ${show(a)} vs ${show(b)}`); };
const notDeepEqual = (a: unknown, b: unknown, message?: string | Error) => { if (deepEqualValues(a, b)) fail(message, 'Expected "actual" not to be strictly deep-equal to "expected"'); };
const match = (s: string, re: RegExp, message?: string | Error) => { if (!re.test(s)) fail(message, `The input did not match the regular expression ${re}. Input: ${show(s)}`); };

function matches(err: unknown, expected?: RegExp | ((e: unknown) => boolean) | object): boolean {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(String((err as Error)?.message ?? err));
  if (typeof expected === 'function') return (expected as (e: unknown) => boolean)(err) !== false;
  return Object.entries(expected).every(([k, v]) => (v instanceof RegExp ? v.test(String((err as Record<string, unknown>)[k])) : deepEqualValues((err as Record<string, unknown>)[k], v)));
}
function throws(fn: () => unknown, expected?: RegExp | ((e: unknown) => boolean) | object, message?: string): void {
  try { fn(); } catch (err) { if (!matches(err, expected)) throw err; return; }
  fail(message, 'Missing expected exception.');
}
async function rejects(p: Promise<unknown> | (() => Promise<unknown>), expected?: RegExp | ((e: unknown) => boolean) | object, message?: string): Promise<void> {
  try { await (typeof p === 'function' ? p() : p); } catch (err) { if (!matches(err, expected)) throw err; return; }
  fail(message, 'Missing expected rejection.');
}

const assert = Object.assign((value: unknown, message?: string | Error) => ok(value, message), {
  ok, equal, notEqual, deepEqual, notDeepEqual, strictEqual: equal, notStrictEqual: notEqual, deepStrictEqual: deepEqual,
  notDeepStrictEqual: notDeepEqual, match, throws, rejects, fail: (m?: string) => fail(m), AssertionError,
});
(assert as unknown as Record<string, unknown>).strict = assert;
export default assert;
