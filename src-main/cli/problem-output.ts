// The bad entries of `zipdesk test` and `zipdesk extract`, written as they are heard: one line
// each on stderr, and with --json each object too, in the result's "problems" (the object begun
// with the first), a piece at a time. The command waits while either stream holds more than
// BEHIND bytes not yet taken, so an archive with a problem per entry (an overlap bomb) never has
// them all in memory, nor its lines.

import type { Writable } from 'node:stream';
import type { EntryProblem } from '../archive/entry-check.js';
import { EXIT_ARCHIVE_PROBLEM, type CliContext } from './command.js';
import { PIECE, drained, writeJson, writeLines } from './output.js';
import { jsonFailure, problemLine } from './report.js';

/** Lines waiting in a stream beyond this many bytes: the command waits for them to go. */
const BEHIND = 1 << 20;

export class ProblemOutput {
  private lines = '';
  /** With --json: the object's text not yet written, from `{"archive":…,"problems":[` on; undefined until the first problem. */
  private objects: string | undefined;
  private heard = false;

  constructor(
    private readonly context: CliContext,
    private readonly archive: string,
    private readonly json: boolean,
  ) {}

  /** Takes one problem (the command's exit code is 1 from the first). */
  readonly hear = (problem: EntryProblem): void => {
    if (!this.heard) this.context.exitAtLeast?.(EXIT_ARCHIVE_PROBLEM);
    this.heard = true;
    this.lines += problemLine(this.archive, problem);
    if (this.json) {
      // The JSON's keys as they were: the kind and values that the window words a problem by are not among them.
      const shown = JSON.stringify({ entry: problem.entry, index: problem.index, code: problem.code, message: problem.message });
      this.objects = this.objects === undefined ? `${this.head()}${shown}` : `${this.objects},${shown}`;
    }
    if (this.lines.length >= PIECE || (this.objects?.length ?? 0) >= PIECE) this.flush();
  };

  /** Whether the streams are behind, and a wait for them to catch up (or for a cancel): the engine's problemFlow. */
  readonly flow = {
    behind: (): boolean => this.full() !== undefined,
    caughtUp: async (): Promise<void> => {
      const stream = this.full();
      if (stream !== undefined) await drained(stream, this.context.signal);
    },
  };

  /**
   * After the command failed as a whole (all it found heard): what was heard, and with --json the
   * object (begun, or now) closed, with `"ok":false` and the failure as "error" (code and message).
   */
  abandon(error: unknown): void {
    this.flush();
    if (!this.json || this.context.stdout.destroyed) return;
    this.context.stdout.write(`${this.objects === undefined ? this.head() : ''}],${jsonFailure(error)}}\n`);
  }

  /**
   * The lines heard, then `after` (more lines), all written before what follows them (also where
   * stderr and stdout share a pipe).
   */
  async endLines(after: readonly string[] = []): Promise<void> {
    this.flush();
    // (writeLines resolves once its text and all before it have left the stream's buffer.)
    await writeLines(this.context.stderr, after, (line) => line);
  }

  /** With --json: the object's keys after "archive" and "problems". */
  async endJson(rest: Readonly<Record<string, unknown>>): Promise<void> {
    this.flush();
    // (Written a piece at a time: extract's "skipped" may name every entry.)
    await writeJson(this.context.stdout, rest, `${this.objects === undefined ? this.head() : ''}]`);
  }

  private head(): string {
    return `{"archive":${JSON.stringify(this.archive)},"problems":[`;
  }

  private flush(): void {
    // (A stream whose reader has left takes nothing more.)
    if (this.lines !== '' && !this.context.stderr.destroyed) this.context.stderr.write(this.lines);
    if (this.objects !== undefined && this.objects !== '' && !this.context.stdout.destroyed) this.context.stdout.write(this.objects);
    this.lines = '';
    if (this.objects !== undefined) this.objects = '';
  }

  private full(): Writable | undefined {
    const streams = this.json ? [this.context.stderr, this.context.stdout] : [this.context.stderr];
    return streams.find((stream) => !stream.destroyed && stream.writableLength > BEHIND);
  }
}
