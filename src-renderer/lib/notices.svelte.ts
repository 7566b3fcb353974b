// Messages for the user that are not a whole screen: refused drops, failed calls, jobs started.

export type NoticeKind = 'info' | 'error';

export interface Notice {
  readonly id: number;
  readonly kind: NoticeKind;
  readonly text: string;
}

/** How long an informational notice stays. */
const INFO_SECONDS = 6;

class Notices {
  items = $state<Notice[]>([]);
  #next = 1;

  push(kind: NoticeKind, text: string): void {
    // The same message twice in a row is shown once.
    if (this.items.at(-1)?.text === text) return;
    const id = this.#next++;
    this.items = [...this.items.slice(-4), { id, kind, text }];
    // Information fades; an error stays until the user dismisses it.
    if (kind === 'info') setTimeout(() => this.dismiss(id), INFO_SECONDS * 1000);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}

export const notices = new Notices();
