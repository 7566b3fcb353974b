// The FIFO of requests in the main process, in p-queue's shape (add, cancel, size, pending,
// onIdle) with concurrency one: the single worker runs one job at a time. A task is a function
// started when its turn comes; cancelling a waiting task removes it (its promise resolves
// with `undefined` and `onCancel` runs), cancelling the running one is the task's business.

export interface QueueTask<T> {
  readonly id: string;
  readonly run: () => Promise<T>;
  /** Called when the task is removed before it started. */
  readonly onCancel?: () => void;
}

/**
 * A task and how its promise settles. The task is kept as it came, not spread into this object:
 * spread, each of a batch's thousands of waiting tasks had a hidden class of its own (some 220
 * bytes more a task).
 */
interface Waiting<T> {
  readonly task: QueueTask<T>;
  readonly resolve: (value: T | undefined) => void;
  readonly reject: (error: unknown) => void;
}

export class JobQueue<T> {
  private readonly waiting: Waiting<T>[] = [];
  private running: string | undefined;
  private idleWaiters: (() => void)[] = [];

  /** Number of tasks waiting to start. */
  get size(): number {
    return this.waiting.length;
  }

  /** Number of tasks running (0 or 1). */
  get pending(): number {
    return this.running === undefined ? 0 : 1;
  }

  get runningId(): string | undefined {
    return this.running;
  }

  /** Ids of the waiting tasks, in order. */
  waitingIds(): string[] {
    return this.waiting.map(({ task }) => task.id);
  }

  /** Resolves with the task's value, or undefined if it was cancelled while waiting. */
  add(task: QueueTask<T>): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      this.waiting.push({ task, resolve, reject });
      queueMicrotask(() => this.next());
    });
  }

  /** Removes a waiting task; false if no waiting task has that id (it may be running). */
  cancel(id: string): boolean {
    const index = this.waiting.findIndex(({ task }) => task.id === id);
    if (index === -1) return false;
    const [waiting] = this.waiting.splice(index, 1);
    waiting!.task.onCancel?.();
    waiting!.resolve(undefined);
    this.settleIdle();
    return true;
  }

  /** Resolves when nothing waits and nothing runs. */
  onIdle(): Promise<void> {
    if (this.waiting.length === 0 && this.running === undefined) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): void {
    if (this.running !== undefined) return;
    const waiting = this.waiting.shift();
    if (!waiting) {
      this.settleIdle();
      return;
    }
    this.running = waiting.task.id;
    waiting.task
      .run()
      .then(waiting.resolve, waiting.reject)
      .finally(() => {
        this.running = undefined;
        this.next();
      });
  }

  private settleIdle(): void {
    if (this.waiting.length > 0 || this.running !== undefined) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
