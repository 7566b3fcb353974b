// What long archive jobs (test, extract, and the writer's create) report while they run, and a
// small helper that keeps the callback rate sane: the worker forwards every call to the renderer,
// so 100,000 tiny entries must not mean 100,000 messages.

export interface JobProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly entriesDone: number;
  readonly entriesTotal: number;
  /** The entry being worked on, when there is one. */
  readonly currentEntry: string | undefined;
}

export type ProgressCallback = (progress: JobProgress) => void;

/** At most one call per `intervalMs`, plus the last one when `flush` is called. */
export class ProgressReporter {
  bytesDone = 0;
  entriesDone = 0;
  currentEntry: string | undefined;
  private lastReport = 0;
  /** Bytes of unfinished work counted so far, by key (a span batch), until it settles. */
  private readonly partials = new Map<number, number>();

  constructor(
    private readonly callback: ProgressCallback | undefined,
    readonly bytesTotal: number,
    readonly entriesTotal: number,
    private readonly intervalMs = 100,
  ) {}

  /** Report now if enough time has passed since the last report. */
  tick(): void {
    if (this.callback === undefined) return;
    const now = performance.now();
    if (now - this.lastReport < this.intervalMs) return;
    this.lastReport = now;
    this.report();
  }

  /** Counts `bytes` more of the unfinished work `key` (an entry still being read) and ticks. */
  partial(key: number, bytes: number, entry: string): void {
    this.partials.set(key, (this.partials.get(key) ?? 0) + bytes);
    this.bytesDone += bytes;
    this.currentEntry = entry;
    this.tick();
  }

  /** The bytes `partial` counted for `key`, which the caller no longer adds; forgets them. */
  settled(key: number): number {
    const bytes = this.partials.get(key) ?? 0;
    this.partials.delete(key);
    return bytes;
  }

  flush(): void {
    if (this.callback === undefined) return;
    this.lastReport = performance.now();
    this.report();
  }

  private report(): void {
    this.callback!({
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      entriesDone: this.entriesDone,
      entriesTotal: this.entriesTotal,
      currentEntry: this.currentEntry,
    });
  }
}

/** Runs `work` over `items` with at most `limit` in flight, started in order; starts no new one once `signal` aborts. */
export async function runBounded<T>(items: readonly T[], limit: number, signal: AbortSignal | undefined, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  const lanes: Promise<void>[] = [];
  for (let i = 0; i < Math.min(limit, items.length); i++) lanes.push(lane());
  await Promise.all(lanes);
}
