// The header listing's rows as the table shows them (issue 5): sorted by any column, filtered
// by name, flat or by folder. Pure functions over EntryRow[], so 100,000 rows are sorted and
// flattened here once per change and the virtual table only ever renders the visible slice.

import type { EntryRow } from '../../src-preload/contract.js';

export type SortKey = 'name' | 'size' | 'packed' | 'ratio' | 'method' | 'crc32' | 'modified' | 'attributes' | 'flags';
export type SortDirection = 'asc' | 'desc';
export type ViewMode = 'flat' | 'folders';

export interface ListItem {
  /** Unique within the list: the entry index ("e12") or the folder path ("d:docs/img/"). */
  readonly key: string;
  readonly depth: number;
  /** What the Name column shows: the full name (flat) or the last part (by folder). */
  readonly label: string;
  /** The entry, or null for a folder that has no entry of its own. */
  readonly row: EntryRow | null;
  /** Set for folders in the by-folder view. */
  readonly folder: { readonly path: string; readonly expanded: boolean; readonly size: number; readonly packed: number; readonly count: number } | null;
}

/** Space saved, or null when a size is not known. */
export function ratioOf(row: Pick<EntryRow, 'size' | 'packed'>): number | null {
  if (row.size === null || row.packed === null) return null;
  return row.size === 0 ? 0 : 1 - row.packed / row.size;
}

/** Numbers in ascending order, a value not known (a damaged record's size) before all others. */
function byNumber(a: number | null, b: number | null): number {
  if (a === null || b === null) return (a === null ? 0 : 1) - (b === null ? 0 : 1);
  return a - b;
}

function flagsOf(row: EntryRow): number {
  return (row.utf8 ? 1 : 0) | (row.dataDescriptor ? 2 : 0) | (row.zip64 ? 4 : 0) | (row.encrypted ? 8 : 0);
}

/**
 * A row's place by Modified, one key a row: where its time falls among instants, then its
 * wall-clock time (a DOS time's EntryRow.modified, its parts as UTC; an instant's in the local
 * zone) among the times that fall together. A DOS time falls where the local zone puts it, and
 * one the zone skips (02:30 on the day its clocks go forward) where its clocks jump: the zone's
 * Date made that 02:30 an instant an hour on (03:30), after a stored 03:10, so that comparing
 * two DOS times as stored and a DOS time and an instant through the zone went round in a circle
 * (02:30 < 03:10 < an instant at 03:20 < 02:30) and the sort's result hung on the rows' order.
 */
function modifiedKey(row: EntryRow): readonly [instant: number, wallClock: number] {
  if (!row.dosTime) return [row.modified, row.modified + zoneOffsetAt(row.modified)];
  const time = new Date(row.modified);
  const instant = new Date(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate(), time.getUTCHours(), time.getUTCMinutes(), time.getUTCSeconds()).getTime();
  // Date takes a skipped time with the offset before the jump: the offset at the instant it made differs.
  const gap = zoneOffsetAt(instant) - (row.modified - instant);
  return [gap > 0 ? zoneJumpWithin(instant - gap, instant) : instant, row.modified];
}

/** The local zone's offset from UTC at an instant, in milliseconds (+3,600,000 for CET). */
function zoneOffsetAt(instant: number): number {
  return -new Date(instant).getTimezoneOffset() * 60_000;
}

/** The instant the local zone's offset changes at, between `before` and `after` (where it has changed). */
function zoneJumpWithin(before: number, after: number): number {
  const offsetAfter = zoneOffsetAt(after);
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (zoneOffsetAt(middle) === offsetAfter) after = middle;
    else before = middle;
  }
  return after;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** APPNOTE 4.4.5: the method an AES-encrypted entry stores; its data's is in its extra field (EntryRow.aes). */
const METHOD_AES = 99;

function storedMethod(row: EntryRow): number {
  return row.aes === null ? row.method : METHOD_AES;
}

export function compareRows(key: SortKey): (a: EntryRow, b: EntryRow) => number {
  switch (key) {
    case 'name':
      return (a, b) => collator.compare(a.name, b.name);
    case 'size':
      return (a, b) => byNumber(a.size, b.size);
    case 'packed':
      return (a, b) => byNumber(a.packed, b.packed);
    case 'ratio':
      return (a, b) => byNumber(ratioOf(a), ratioOf(b));
    case 'method':
      // AES entries together after the rest, as by the method they store (99), each by its data's method and strength.
      return (a, b) => storedMethod(a) - storedMethod(b) || a.method - b.method || (a.aes ?? 0) - (b.aes ?? 0) || collator.compare(a.level ?? '', b.level ?? '');
    case 'crc32':
      return (a, b) => a.crc32 - b.crc32;
    case 'modified':
      // Two DOS times, or two instants, are in the order of `modified` alone, which their keys
      // follow (both parts rise with it): no Date for each of a million comparisons.
      return (a, b) => {
        if (a.dosTime === b.dosTime) return a.modified - b.modified;
        const [instantA, wallClockA] = modifiedKey(a);
        const [instantB, wallClockB] = modifiedKey(b);
        return instantA - instantB || wallClockA - wallClockB;
      };
    case 'attributes':
      return (a, b) => collator.compare(a.attributes, b.attributes);
    case 'flags':
      return (a, b) => flagsOf(a) - flagsOf(b);
  }
}

/** Whether the filter box holds a filter (blanks alone are none). */
export function isFiltering(filter: string): boolean {
  return filter.trim() !== '';
}

function matcher(filter: string): ((name: string) => boolean) | null {
  const needle = filter.trim().toLowerCase();
  return needle ? (name) => name.toLowerCase().includes(needle) : null;
}

/** How many of the rows the filter shows: all of them when there is none. */
export function countMatching(rows: readonly Pick<EntryRow, 'name'>[], filter: string): number {
  const matches = matcher(filter);
  if (matches === null) return rows.length;
  let count = 0;
  for (const row of rows) if (matches(row.name)) count++;
  return count;
}

/** The rows in the order of a column; ties keep central-directory order, so the listing is stable whatever the column. */
export function sortedRows(rows: readonly EntryRow[], key: SortKey, direction: SortDirection): readonly EntryRow[] {
  const compare = compareRows(key);
  const sign = direction === 'asc' ? 1 : -1;
  return rows.slice().sort((a, b) => sign * compare(a, b) || a.index - b.index);
}

/**
 * The flat list of rows already sorted (sortedRows) whose names match the filter. Filtering
 * keeps their order: typing in the filter box costs one pass over the rows, not a sort (100,000
 * rows in an order that is not the column's took some 215 ms a keystroke to sort by name).
 */
export function flatItems(sorted: readonly EntryRow[], filter: string): ListItem[] {
  const matches = matcher(filter);
  const items: ListItem[] = [];
  for (const row of sorted) if (matches === null || matches(row.name)) items.push(new FlatItem(row));
  return items;
}

/**
 * A row of the flat list: the entry alone, the rest read from it when shown. As an object of five
 * fields and a key string made for every row, a million rows took some 57 MB more of the page's
 * heap; only the visible ones ever need their key.
 */
class FlatItem implements ListItem {
  constructor(readonly row: EntryRow) {}

  get key(): string {
    return `e${this.row.index}`;
  }

  get depth(): number {
    return 0;
  }

  get label(): string {
    return this.row.name;
  }

  get folder(): null {
    return null;
  }
}

interface FolderNode {
  readonly path: string;
  readonly name: string;
  row: EntryRow | null;
  readonly folders: Map<string, FolderNode>;
  readonly files: EntryRow[];
  size: number;
  packed: number;
  count: number;
}

function newFolder(path: string, name: string): FolderNode {
  return { path, name, row: null, folders: new Map(), files: [], size: 0, packed: 0, count: 0 };
}

/** Up to how many selected folders withFolderContents tries each row against one by one. */
const FEW_FOLDERS = 4;

/**
 * The selected rows plus, for a selected folder row or folder path ("docs/", a folder of the
 * by-folder view that has no entry), every row under it that the filter shows, in index order.
 * By folder, a folder is shown on the way to a match: it brought the rows the filter hid too.
 * Each row's own folders are looked up: rows times depth, not rows times selected folders (Ctrl+A
 * on an archive of 7,000 folders took seconds that way). A few folders are tried one by one, a
 * prefix test a row: the footer counts what a click on a folder selects, and looking up each of
 * a million rows' folders took some 200 ms a click under Node (some 100 ms so).
 */
export function withFolderContents(
  rows: readonly Pick<EntryRow, 'index' | 'name' | 'isDirectory'>[],
  selected: ReadonlySet<number>,
  folderPaths: Iterable<string> = [],
  filter = '',
): number[] {
  return [...selectionWithContents(rows, selected, folderPaths, filter)].sort((a, b) => a - b);
}

/** What withFolderContents gives, in no order: the footer counts it, with no sort of a million indexes. */
export function selectionWithContents(
  rows: readonly Pick<EntryRow, 'index' | 'name' | 'isDirectory'>[],
  selected: ReadonlySet<number>,
  folderPaths: Iterable<string> = [],
  filter = '',
): Set<number> {
  const folders = new Set(rows.filter((r) => r.isDirectory && selected.has(r.index)).map((r) => (r.name.endsWith('/') ? r.name : `${r.name}/`)));
  for (const folder of folderPaths) folders.add(folder);
  const out = new Set(selected);
  const matches = matcher(filter);
  if (folders.size > 0) {
    const few = folders.size <= FEW_FOLDERS ? [...folders] : null;
    for (const row of rows) {
      const name = row.name;
      if (matches !== null && !matches(name)) continue;
      if (few !== null) {
        if (few.some((folder) => name.length > folder.length && name.startsWith(folder))) out.add(row.index);
        continue;
      }
      for (let slash = name.indexOf('/'); slash !== -1 && slash < name.length - 1; slash = name.indexOf('/', slash + 1)) {
        if (folders.has(name.slice(0, slash + 1))) {
          out.add(row.index);
          break;
        }
      }
    }
  }
  return out;
}

/**
 * The folder tree of an archive; folders that have no entry of their own are made up. A folder's
 * row is its first entry. An entry that names no folder (an empty name) and a second entry of a
 * folder already shown by another are listed among the files of the folder they lie in, as the
 * flat view lists them: as the folder's row, the empty name was the root's, which is never drawn,
 * and a second entry put the first out of the tree, so neither could be seen, inspected or selected.
 */
export function buildTree(rows: readonly EntryRow[]): FolderNode {
  const root = newFolder('', '');
  for (const row of rows) {
    const parts = row.name.split('/');
    const trailing = parts[parts.length - 1] === '';
    if (trailing) parts.pop();
    let node = root;
    const chain: FolderNode[] = [root];
    const last = row.isDirectory || trailing ? parts.length : parts.length - 1;
    for (let i = 0; i < last; i++) {
      const part = parts[i]!;
      let next = node.folders.get(part);
      if (!next) {
        next = newFolder(node.path + part + '/', part);
        node.folders.set(part, next);
      }
      node = next;
      chain.push(node);
    }
    if (row.isDirectory || trailing) {
      if (node !== root && node.row === null) {
        node.row = row;
        continue;
      }
      if (node !== root) chain.pop();
    }
    chain[chain.length - 1]!.files.push(row);
    // A folder's sums leave out what is not known (a damaged record's size).
    for (const folder of chain) {
      folder.size += row.size ?? 0;
      folder.packed += row.packed ?? 0;
      folder.count++;
    }
  }
  return root;
}

/** The paths of the tree's folders that have no entry of their own, all depths. */
export function foldersWithoutEntry(tree: ReturnType<typeof buildTree>): string[] {
  const out: string[] = [];
  const walk = (node: FolderNode): void => {
    for (const folder of node.folders.values()) {
      if (folder.row === null) out.push(folder.path);
      walk(folder);
    }
  };
  walk(tree);
  return out;
}

/** Folders to open at first: a lone top folder (and a lone folder in it, …), as most archives have. */
export function initiallyExpanded(tree: ReturnType<typeof buildTree>): string[] {
  const out: string[] = [];
  let node = tree;
  while (node.folders.size === 1 && node.files.length === 0) {
    node = [...node.folders.values()][0]!;
    out.push(node.path);
  }
  return out;
}

export function treeItems(
  tree: ReturnType<typeof buildTree>,
  expanded: ReadonlySet<string>,
  key: SortKey,
  direction: SortDirection,
  filter: string,
): ListItem[] {
  const matches = matcher(filter);
  const compare = compareRows(key);
  const sign = direction === 'asc' ? 1 : -1;
  const out: ListItem[] = [];

  function folderMatches(node: FolderNode): boolean {
    if (!matches) return true;
    if (matches(node.path)) return true;
    return node.files.some((f) => matches(f.name)) || [...node.folders.values()].some(folderMatches);
  }

  function folderSortValue(node: FolderNode): EntryRow {
    // Folders sort among themselves by their totals, by name otherwise. A folder's row shows no
    // method or CRC (ListingRow), so its own entry's do not order it either: folders with an
    // entry and folders without sorted apart, by values not shown.
    return node.row
      ? { ...node.row, name: node.path, size: node.size, packed: node.packed, method: -1, methodName: '', aes: null, level: null, crc32: 0 }
      : ({ index: -1, name: node.path, size: node.size, packed: node.packed, method: -1, methodName: '', aes: null, level: null, crc32: 0, modified: 0, dosTime: false, attributes: '', isDirectory: true, isSymlink: false, utf8: false, dataDescriptor: false, zip64: false, encrypted: false } satisfies EntryRow);
  }

  function walk(node: FolderNode, depth: number): void {
    const folders = [...node.folders.values()].filter(folderMatches);
    folders.sort((a, b) => sign * compare(folderSortValue(a), folderSortValue(b)) || collator.compare(a.name, b.name));
    for (const folder of folders) {
      // While filtering, every folder on the way to a match is open.
      const open = matches !== null || expanded.has(folder.path);
      out.push({
        key: `d:${folder.path}`,
        depth,
        label: folder.name,
        row: folder.row,
        folder: { path: folder.path, expanded: open, size: folder.size, packed: folder.packed, count: folder.count },
      });
      if (open) walk(folder, depth + 1);
    }
    const files = matches ? node.files.filter((f) => matches(f.name)) : node.files.slice();
    files.sort((a, b) => sign * compare(a, b) || a.index - b.index);
    for (const row of files) out.push({ key: `e${row.index}`, depth, label: row.name.slice(node.path.length), row, folder: null });
  }

  walk(tree, 0);
  return out;
}
