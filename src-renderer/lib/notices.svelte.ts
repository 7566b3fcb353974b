// Messages for the user that are not a whole screen: refused or unreadable drops, failed calls,
// and one piece of information (a second archive dropped with the first).

export type NoticeKind = 'info' | 'error';

export interface Notice {
  readonly id: number;
  readonly kind: NoticeKind;
  readonly text: string;
}

/** What keeps a notice from fading: the pointer on it, the keyboard in it. */
export type NoticeHold = 'pointer' | 'focus';

/**
 * How long an informational notice stays with neither the pointer nor the keyboard on it: time to
 * see it come and to read a line slowly (at 6 s a slow reader lost it, WCAG 2.2.1).
 */
const INFO_SECONDS = 12;

class Notices {
  items = $state<Notice[]>([]);
  #next = 1;
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();
  readonly #holds = new Map<number, Set<NoticeHold>>();

  push(kind: NoticeKind, text: string): void {
    // The same message twice in a row is shown once.
    if (this.items.at(-1)?.text === text) return;
    const id = this.#next++;
    for (const old of this.items.slice(0, -2)) this.#forget(old.id);
    this.items = [...this.items.slice(-2), { id, kind, text }];
    // Information fades; an error stays until the user dismisses it.
    if (kind === 'info') this.#fadeLater(id);
  }

  /** The pointer or the keyboard is on the notice: it stays as long as either is. */
  hold(id: number, why: NoticeHold): void {
    const holds = this.#holds.get(id) ?? new Set();
    holds.add(why);
    this.#holds.set(id, holds);
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }

  /** Off it again: an informational notice has its whole time again once nothing holds it. */
  release(id: number, why: NoticeHold): void {
    const holds = this.#holds.get(id);
    holds?.delete(why);
    if (holds?.size) return;
    this.#holds.delete(id);
    if (this.items.some((n) => n.id === id && n.kind === 'info')) this.#fadeLater(id);
  }

  dismiss(id: number): void {
    this.#forget(id);
    this.items = this.items.filter((n) => n.id !== id);
  }

  #fadeLater(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.set(id, setTimeout(() => this.dismiss(id), INFO_SECONDS * 1000));
  }

  #forget(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.#holds.delete(id);
  }
}

export const notices = new Notices();
