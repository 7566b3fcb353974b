// Messages for the user that are not a whole screen: refused drops, failed calls, jobs started.

export type NoticeKind = 'info' | 'error';

export interface Notice {
  readonly id: number;
  readonly kind: NoticeKind;
  readonly text: string;
}

class Notices {
  items = $state<Notice[]>([]);
  #next = 1;

  push(kind: NoticeKind, text: string): void {
    // The same message twice in a row is shown once.
    if (this.items.at(-1)?.text === text) return;
    this.items = [...this.items.slice(-4), { id: this.#next++, kind, text }];
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}

export const notices = new Notices();
