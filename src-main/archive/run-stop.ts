// What stops an extract or a test: the caller's signal, and a cancel flag that another thread
// sets (a job's: jobs/client.ts sets it as it cancels, then tells the worker). The worker hears
// the 'cancel' message only once its thread is free, and writing a batch of small files keeps it
// busy (on a busy disk, 100 to 400 ms); the flag is read between two files and seen at once.

/** A run's own signal, aborted by the caller's, by `abort()`, and by the flag once `stopped()` reads it set. */
export class RunStop {
  private readonly controller = new AbortController();
  private readonly flag: Int32Array | undefined;
  private readonly onAbort = (): void => this.controller.abort();

  constructor(
    private readonly outer: AbortSignal | undefined,
    cancelFlag: SharedArrayBuffer | undefined,
  ) {
    this.flag = cancelFlag === undefined ? undefined : new Int32Array(cancelFlag);
    if (outer?.aborted) this.onAbort();
    else outer?.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the run stops; reads the flag, and aborts the signal once it is set. */
  readonly stopped = (): boolean => {
    if (this.flag !== undefined && !this.controller.signal.aborted && Atomics.load(this.flag, 0) !== 0) this.controller.abort();
    return this.controller.signal.aborted;
  };

  /** Stops the run from within (extract: a full disk). */
  abort(): void {
    this.controller.abort();
  }

  /** Whether the caller cancelled, by its signal or the flag (not a stop from within). */
  get cancelled(): boolean {
    return this.outer?.aborted === true || (this.flag !== undefined && Atomics.load(this.flag, 0) !== 0);
  }

  dispose(): void {
    this.outer?.removeEventListener('abort', this.onAbort);
  }
}
