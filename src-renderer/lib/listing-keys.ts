// What the keys do on the listing, the one focusable grid (issue 5): arrows, Page Up/Down and
// Home/End select the row they reach, with Ctrl to move the focus only; Enter, Space, Ctrl+Space,
// Ctrl+A; ←/→ in and out of folders, as in a tree.

import { archive } from './archive.svelte.js';

/** Arrows select the row they reach; with Shift a range; with Ctrl/Cmd they only move the focus. */
function moveTo(position: number, event: KeyboardEvent): void {
  const clamped = Math.max(0, Math.min(archive.items.length - 1, position));
  if (event.shiftKey) archive.select(clamped, 'range');
  else if (event.ctrlKey || event.metaKey) archive.focus = clamped;
  else archive.select(clamped, 'only');
}

/** Enter, or a double click on a row: a folder (by folder) opens or closes, an entry goes to the inspector. */
export function activate(position: number): void {
  const item = archive.items[position];
  if (!item) return;
  if (item.folder && archive.mode === 'folders') archive.toggleFolder(item.folder.path);
  else if (item.row) archive.inspecting = item.row.index;
}

/**
 * Does what a key pressed on the listing does (Page Up/Down move by `page` rows), in the browser's
 * stead. True when it moved to a row or acted on the active one, which the listing then shows.
 */
export function listingKey(event: KeyboardEvent, page: number): boolean {
  const items = archive.items;
  const item = items[archive.focus];
  switch (event.key) {
    case 'ArrowDown':
      moveTo(archive.focus + 1, event);
      break;
    case 'ArrowUp':
      moveTo(archive.focus - 1, event);
      break;
    case 'PageDown':
      moveTo(archive.focus + page, event);
      break;
    case 'PageUp':
      moveTo(archive.focus - page, event);
      break;
    case 'Home':
      moveTo(0, event);
      break;
    case 'End':
      moveTo(items.length - 1, event);
      break;
    case 'Enter':
      activate(archive.focus);
      break;
    case ' ':
      // Space adds the focused row (an arrow has selected it already, or Ctrl+arrows reached
      // it), Ctrl/Cmd+Space adds or removes it: rows picked here and there by keyboard.
      archive.select(archive.focus, event.ctrlKey || event.metaKey ? 'toggle' : 'add');
      break;
    // As in a tree (WAI-ARIA APG treegrid): → opens a folder, then goes to its first row; ←
    // closes it, and from a closed folder or a file goes to the folder it is in.
    case 'ArrowRight':
      if (!item?.folder || archive.mode !== 'folders') break;
      if (!item.folder.expanded) archive.toggleFolder(item.folder.path, true);
      else if ((items[archive.focus + 1]?.depth ?? 0) > item.depth) moveTo(archive.focus + 1, event);
      break;
    case 'ArrowLeft':
      if (!item || archive.mode !== 'folders') break;
      if (item.folder?.expanded) archive.toggleFolder(item.folder.path, false);
      else if (item.depth > 0) moveTo(items.findLastIndex((other, i) => i < archive.focus && other.depth < item.depth), event);
      break;
    // With Caps Lock on the key is "A" (Ctrl+F is taken either way, App.svelte).
    case 'a':
    case 'A':
      if (!(event.ctrlKey || event.metaKey)) return false;
      archive.selectAll();
      event.preventDefault();
      return false;
    default:
      return false;
  }
  event.preventDefault();
  return true;
}
