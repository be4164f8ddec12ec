/**
 * Work started after the answer has gone out (a sign-in code, a job run in-process when no queue is running).
 * It is tracked so that a stopping process (SIGTERM, the end of a test file) can wait for it before closing the
 * database pools, instead of cutting it off half-way.
 */
const running = new Set<Promise<void>>();

/** Runs `fn` on the next turn of the event loop; `onError` gets its failure (it must not throw). */
export function runLater(fn: () => Promise<unknown>, onError: (e: unknown) => void): void {
  const p: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
    .then(fn)
    .then(
      () => undefined,
      (e: unknown) => onError(e),
    )
    .finally(() => running.delete(p));
  running.add(p);
}

/** Resolves when all work started by runLater (including work it starts meanwhile) has finished. */
export async function backgroundIdle(): Promise<void> {
  while (running.size) await Promise.all([...running]);
}

/** Tracks work already started (a request being answered): a stopping process waits for it like runLater's. */
export function track(p: Promise<unknown>): void {
  const q: Promise<void> = p.then(
    () => undefined,
    () => undefined,
  );
  const tracked = q.finally(() => running.delete(tracked));
  running.add(tracked);
}
