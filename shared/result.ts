/** Expected failures are values, not exceptions (STYLE.md: libs/basics Result). Bugs throw. */
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E = string> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });

/** For exhaustive switches over closed unions: a new member is a compile error here. */
export function throwIllegalValue(value: never, what = 'value'): never {
  throw new Error(`illegal ${what}: ${JSON.stringify(value)}`);
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new Error(message);
}
