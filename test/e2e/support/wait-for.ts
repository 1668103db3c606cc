// Polls until a condition holds, instead of sleeping for a guessed time.

/**
 * Calls `probe` every `intervalMs` until it returns something other than undefined, null or false (a throw
 * counts as "not yet"), and resolves with that value. Rejects after `timeoutMs` with the last value or error
 * seen, so a failing test says what it was waiting for.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 50): Promise<Exclude<T, false | undefined | null>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as Exclude<T, false | undefined | null>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`condition not met within ${timeoutMs} ms (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
