// Files dragged over the window (issue 5): whether they are over it, for the drop overlay, and what
// a drop of them does. The window hears an enter and a leave for each element the drag crosses, so
// it counts them; only a drag that carries files is the window's.

import { actions } from './actions.js';

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

export class FileDrag {
  over = $state(false);
  #depth = 0;

  enter = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    this.#depth++;
    this.over = true;
  };

  move = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };

  leave = (): void => {
    this.#depth = Math.max(0, this.#depth - 1);
    if (this.#depth === 0) this.over = false;
  };

  drop = (event: DragEvent): void => {
    event.preventDefault();
    this.#depth = 0;
    this.over = false;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length) void actions.drop(files);
  };
}
