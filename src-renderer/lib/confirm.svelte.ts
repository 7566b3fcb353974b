// The question shown before extracting an archive whose safety report finds something off
// (issue 5): the report, and Extract anyway / Cancel. One question at a time.

import type { SafetyView } from '../../src-preload/contract.js';

class ConfirmState {
  pending = $state.raw<{ name: string; safety: SafetyView; resolve: (yes: boolean) => void } | null>(null);

  ask(name: string, safety: SafetyView): Promise<boolean> {
    this.pending?.resolve(false);
    return new Promise((resolve) => {
      this.pending = { name, safety, resolve };
    });
  }

  answer(yes: boolean): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(yes);
  }
}

export const confirm = new ConfirmState();
