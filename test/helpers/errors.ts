/**
 * Catching ConcordErrors in tests, so that each test asserts the error's `code` and `path` (STYLE.md §5)
 * instead of only "it threw".
 */
import { expect } from 'vitest';
import { ConcordError, type ErrorCode } from '../../shared/errors.js';

/** The ConcordError `fn` throws; fails the test if it returns or throws anything else. */
export function thrown(fn: () => unknown): ConcordError {
  try {
    fn();
  } catch (error) {
    return asConcordError(error);
  }
  throw new Error('expected a ConcordError, but nothing was thrown');
}

/** The ConcordError `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<ConcordError> {
  try {
    await promise;
  } catch (error) {
    return asConcordError(error);
  }
  throw new Error('expected a ConcordError, but the promise resolved');
}

/** Asserts that `fn` throws a ConcordError with this `code` and `path`; returns it for further checks. */
export function expectThrows(fn: () => unknown, code: ErrorCode, path: string): ConcordError {
  const error = thrown(fn);
  expect({ code: error.code, path: error.path }).toEqual({ code, path });
  return error;
}

/** Asserts that `promise` rejects with a ConcordError with this `code` and `path`; returns it. */
export async function expectRejects(promise: Promise<unknown>, code: ErrorCode, path: string): Promise<ConcordError> {
  const error = await rejection(promise);
  expect({ code: error.code, path: error.path }).toEqual({ code, path });
  return error;
}

function asConcordError(caught: unknown): ConcordError {
  if (caught instanceof ConcordError) return caught;
  if (caught instanceof Error) throw new Error(`expected a ConcordError, got ${caught.name}: ${caught.message}`, { cause: caught });
  throw new Error(`expected a ConcordError, got ${String(caught)}`);
}
