// Reading the generated tables' JSON pointers and code patterns.

/** Each pointer's keys, split once: the pointers are the tables' few, read on every answer. */
const KEYS = new Map<string, string[]>();

/** RFC 6901 JSON pointer lookup; undefined when any step is missing. */
export function pointerGet(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let keys = KEYS.get(pointer);
  if (!keys)
    KEYS.set(
      pointer,
      (keys = pointer
        .slice(1)
        .split('/')
        .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))),
    );
  let current: unknown = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || !(key in current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** When a 200 body still reports a failure (Volcengine `ResponseMetadata.Error`, Tencent `ActionStatus`). */
export type FailureRule =
  | { readonly pointer: string; readonly present: true }
  | { readonly pointer: string; readonly equals: unknown }
  | { readonly pointer: string; readonly notEquals: unknown };

export function isFailureBody(rules: readonly FailureRule[] | undefined, body: unknown): boolean {
  if (!rules || body === null || typeof body !== 'object') return false;
  return rules.some((rule) => {
    const value = pointerGet(body, rule.pointer);
    if ('present' in rule) return value !== undefined && value !== null;
    if ('equals' in rule) return value === rule.equals;
    // Only a value of the marker's type says "failure": Tencent `ErrorCode: "0"` is a malformed
    // answer (the schema then says so), not an error with code "0".
    return typeof value === typeof rule.notEquals && value !== rule.notEquals;
  });
}

/** Codes as the specs list them: exact, or a prefix ending in `*`. */
export function matchesCode(code: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? code.startsWith(p.slice(0, -1)) : code === p));
}
