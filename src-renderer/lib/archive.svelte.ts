// The open archive: its summary, all of its rows (paged in from main), and how the table shows
// them (sort, filter, flat or by folder, selection, focus). Rows are $state.raw: 100,000 entries
// are never made deeply reactive; the derived list is rebuilt only when an input changes.

import { SvelteSet } from 'svelte/reactivity';
import type { ArchiveReport, ArchiveSummary, EntryRow, OverwritePolicy } from '../../src-preload/contract.js';
import { MAX_PAGE_ROWS } from '../../src-preload/contract.js';
import { api } from './api.js';
import { describeError } from './fatal.js';
import { buildTree, countMatching, flatItems, foldersWithoutEntry, initiallyExpanded, isFiltering, selectionWithContents, sortedRows, treeItems, withFolderContents, type ListItem, type SortDirection, type SortKey, type ViewMode } from './listing.js';

export type LoadState = 'empty' | 'loading' | 'loaded' | 'error';

/**
 * One string for each method name, level and attributes text the rows have. Each row of a page
 * arrives with its own copies (IPC clones every string): a million rows kept some 40–55 MB of
 * copies of "Deflated" and "-rw-r--r--".
 */
class SharedStrings {
  readonly #seen = new Map<string, string>();

  inRow(row: EntryRow): EntryRow {
    const mutable = row as { -readonly [K in keyof EntryRow]: EntryRow[K] };
    mutable.methodName = this.#of(row.methodName);
    mutable.attributes = this.#of(row.attributes);
    if (row.level !== null) mutable.level = this.#of(row.level) as typeof row.level;
    return row;
  }

  #of(text: string): string {
    const known = this.#seen.get(text);
    if (known !== undefined) return known;
    this.#seen.set(text, text);
    return text;
  }
}

export class ArchiveState {
  state = $state<LoadState>('empty');
  /** The path being opened or shown, for titles and errors. */
  path = $state<string | null>(null);
  summary = $state.raw<ArchiveSummary | null>(null);
  rows = $state.raw<EntryRow[]>([]);
  /** How many rows' names nothing says the encoding of, read as DOS 437 (EntryPage.guessedNames): the footer says so. */
  guessedNames = $state(0);
  error = $state<{ code: string; message: string } | null>(null);
  report = $state.raw<ArchiveReport | null>(null);

  sortKey = $state<SortKey>('name');
  sortDirection = $state<SortDirection>('asc');
  #filter = $state('');
  /**
   * The filter box's text. A new filter clears the selection: what is selected is always shown,
   * so "3 of 18 shown · 18 selected" cannot send 15 rows nobody sees to Extract selected.
   */
  get filter(): string {
    return this.#filter;
  }

  set filter(value: string) {
    if (value === this.#filter) return;
    this.#filter = value;
    this.clearSelection();
  }
  mode = $state<ViewMode>('flat');
  expanded = new SvelteSet<string>();
  /**
   * The entries selected, by index. A range or Ctrl+A makes a new set and swaps it in once: added
   * one by one to the reactive set, a million rows held the window some 15 s.
   */
  selected = $state.raw(new SvelteSet<number>());
  /**
   * Folders selected in the by-folder view that have no entry of their own (most archives'
   * folders: Python, Explorer and `zip -D` write none), by path ("docs/img/"). A folder that has
   * an entry is selected by that entry, in `selected`.
   */
  selectedFolders = $state.raw(new SvelteSet<string>());
  /** Position of the keyboard focus in `items`. */
  focus = $state(0);
  /** What extracting does with a name already taken in the target folder (kept while the window lives). */
  overwrite = $state<OverwritePolicy>('skip');
  /** The entry shown in the inspector, or 'archive' for the archive report. */
  inspecting = $state<number | 'archive' | null>(null);

  #tree = $derived(this.mode === 'folders' ? buildTree(this.rows) : null);
  /** The flat view's rows in the column's order: sorted again only when the rows or the order change, not the filter. */
  #sorted = $derived(this.mode === 'flat' ? sortedRows(this.rows, this.sortKey, this.sortDirection) : null);

  items: ListItem[] = $derived.by(() =>
    this.#tree
      ? treeItems(this.#tree, this.expanded, this.sortKey, this.sortDirection, this.filter)
      : flatItems(this.#sorted ?? [], this.filter),
  );

  /**
   * How many entries the filter shows, the same in either view (all of them with no filter): the
   * footer's "3 of 18 shown". By folder, `items` holds folders that have no entry and leaves out
   * what closed folders hold: it said "7 of 4 shown" of an archive of 4 entries, all open.
   */
  shownCount = $derived(this.mode === 'flat' ? this.items.length : countMatching(this.rows, this.filter));

  #generation = 0;

  /**
   * Open `path`, or the archive the user picks in the native dialog when null; its names not
   * flagged UTF-8 read in `nameEncoding` (name-encodings.ts), or when null in the code page
   * chosen for it before, if any, else as usual. `chosenEncoding`: the user chose `nameEncoding`
   * under Names (main remembers it for this archive; null forgets). `again`: the archive shown,
   * read anew, stays shown (and its inspector open) until its new rows replace it.
   */
  async open(path: string | null, nameEncoding: string | null = null, chosenEncoding = false, again = false): Promise<void> {
    const generation = ++this.#generation;
    const previous = this.summary;
    /** The archive this open got from main, until it is shown. */
    let opened: ArchiveSummary | undefined;
    try {
      const chosen = path ?? (await api.chooseArchive());
      if (chosen === null || generation !== this.#generation) return; // cancelled, or overtaken
      // Read again, the listing and its footer stay: the line "Reading …" in their place took
      // the Names choice away from the keys on it, and the listing, new, took them.
      if (!again) this.state = 'loading';
      this.path = chosen;
      const summary = await api.openArchive(chosen, nameEncoding, chosenEncoding);
      opened = summary;
      // Overtaken by another open: main holds this one open (its file and entries) until told.
      const overtaken = (): boolean => {
        if (generation === this.#generation) return false;
        void api.closeArchive(summary.archiveId).catch(() => undefined);
        return true;
      };
      if (overtaken()) return;
      const rows: EntryRow[] = [];
      let guessedNames = 0;
      const shared = new SharedStrings();
      for (let start = 0; start < summary.entryCount; start += MAX_PAGE_ROWS) {
        const page = await api.listEntries(summary.archiveId, start, Math.min(MAX_PAGE_ROWS, summary.entryCount - start));
        if (overtaken()) return;
        for (const row of page.rows) rows.push(shared.inRow(row));
        guessedNames += page.guessedNames;
      }
      if (previous) void api.closeArchive(previous.archiveId).catch(() => undefined);
      this.summary = summary;
      this.rows = rows;
      this.guessedNames = guessedNames;
      this.report = null;
      this.error = null;
      this.clearSelection();
      this.expanded.clear();
      this.focus = 0;
      // Read again, the entries are the same, at the same indexes: the inspector shows its entry
      // under its new name, or the report anew.
      if (!again) this.inspecting = null;
      this.filter = '';
      this.#anchor = 0;
      this.state = 'loaded';
      if (this.mode === 'folders') this.setMode('folders'); // a lone top folder opens, as for the first archive
    } catch (error) {
      // One opened and then not listed (read failed, or overtaken meanwhile) is let go too.
      if (opened && this.summary !== opened) void api.closeArchive(opened.archiveId).catch(() => undefined);
      if (generation !== this.#generation) return;
      // In the window's language where main said what the error is made of (an end record not found, a folder…).
      this.error = { code: (error as { code?: string }).code ?? 'INTERNAL', message: describeError(error) };
      // The error replaces what was shown: main can let go of that archive.
      if (previous) void api.closeArchive(previous.archiveId).catch(() => undefined);
      this.summary = null;
      this.rows = [];
      this.guessedNames = 0;
      this.state = 'error';
    }
  }

  /**
   * The open archive again, its names read in `nameEncoding` (null: as usual), chosen by the user:
   * listed anew, in place. An arrow key on the Names choice chooses the next code page at once
   * (Chromium on Linux and Windows): the keys stay on the choice, to go on through them.
   */
  async readNamesIn(nameEncoding: string | null): Promise<void> {
    if (this.summary === null || this.summary.nameEncoding === nameEncoding) return;
    await this.open(this.summary.path, nameEncoding, true, true);
  }

  async loadReport(): Promise<ArchiveReport> {
    if (this.report) return this.report;
    const summary = this.summary;
    if (!summary) throw new Error('no archive is open');
    const report = await api.archiveReport(summary.archiveId);
    if (this.summary === summary) this.report = report;
    return report;
  }

  close(): void {
    if (this.summary) void api.closeArchive(this.summary.archiveId).catch(() => undefined);
    this.#generation++;
    this.summary = null;
    this.rows = [];
    this.guessedNames = 0;
    this.report = null;
    this.state = 'empty';
    this.path = null;
    this.error = null;
    this.inspecting = null;
    this.clearSelection();
  }

  setMode(mode: ViewMode): void {
    // The flat view has no folders of its own: what a selected folder holds is selected instead.
    if (mode === 'flat' && this.selectedFolders.size > 0) {
      this.selected = new SvelteSet(this.selectedIndexes());
      this.selectedFolders = new SvelteSet();
    }
    this.mode = mode;
    if (mode === 'folders' && this.expanded.size === 0 && this.#tree) {
      for (const path of initiallyExpanded(this.#tree)) this.expanded.add(path);
    }
  }

  sortBy(key: SortKey): void {
    if (this.sortKey === key) this.sortDirection = this.sortDirection === 'asc' ? 'desc' : 'asc';
    else {
      this.sortKey = key;
      this.sortDirection = 'asc';
    }
  }

  /**
   * Opens or closes a folder. The rows below it move, so the focus and the anchor of a Shift range
   * stay with their rows, by key; one that the folder closes over goes to the folder. They kept
   * their positions, which then meant other rows: a Shift+click after opening a folder above
   * selected, and Extract selected wrote, rows that were not between the two clicked.
   */
  toggleFolder(path: string, open?: boolean): void {
    const next = open ?? !this.expanded.has(path);
    const anchorKey = this.items[this.#anchor]?.key;
    const focusKey = this.items[this.focus]?.key;
    if (next) this.expanded.add(path);
    else this.expanded.delete(path);
    const items = this.items;
    const folder = items.findIndex((item) => item.folder?.path === path);
    const positionOf = (key: string | undefined, position: number): number => {
      if (key === undefined) return position;
      const found = items.findIndex((item) => item.key === key);
      return found !== -1 ? found : folder !== -1 ? folder : position;
    };
    this.#anchor = positionOf(anchorKey, this.#anchor);
    this.focus = positionOf(focusKey, this.focus);
  }

  /** Where a Shift+click or Shift+arrow range starts: the last row clicked or toggled. */
  #anchor = 0;

  /** The rows were sorted, filtered or regrouped: the anchor's position means another row now. */
  resetAnchor(): void {
    this.#anchor = 0;
  }

  /**
   * Click, Ctrl/Cmd+click and Shift+click, like a file manager: a range runs from the anchor (the
   * last row clicked without Shift) to the row, and replaces the selection, so it can shrink.
   * 'add' (Space) selects the row and keeps the others.
   */
  select(position: number, mode: 'only' | 'toggle' | 'add' | 'range'): void {
    const item = this.items[position];
    if (!item) return;
    if (mode === 'range') {
      const anchor = Math.min(this.#anchor, this.items.length - 1);
      const [from, to] = anchor < position ? [anchor, position] : [position, anchor];
      this.#selectItems(this.items.slice(from, to + 1));
      this.focus = position;
      return;
    }
    this.#anchor = position;
    if (mode === 'toggle' || mode === 'add') {
      const on = mode === 'add' || !this.isSelected(item);
      if (item.row) {
        if (on) this.selected.add(item.row.index);
        else this.selected.delete(item.row.index);
      } else if (item.folder) {
        if (on) this.selectedFolders.add(item.folder.path);
        else this.selectedFolders.delete(item.folder.path);
      }
    } else {
      this.#selectItems([item]);
    }
    this.focus = position;
  }

  /**
   * Every entry when no filter is set, in either view (also those in folders not open); with a
   * filter, the entries shown (in the by-folder view, not the folders on the way to them, which
   * hold more than matches).
   */
  selectAll(): void {
    if (!isFiltering(this.filter)) {
      this.selected = new SvelteSet(this.rows.map((row) => row.index));
      this.selectedFolders = new SvelteSet(this.#tree ? foldersWithoutEntry(this.#tree) : []);
    } else {
      this.#selectItems(this.items.filter((item) => item.folder === null));
    }
  }

  clearSelection(): void {
    if (this.selected.size > 0) this.selected = new SvelteSet();
    if (this.selectedFolders.size > 0) this.selectedFolders = new SvelteSet();
  }

  /** Whether the row of the listing shows as selected. */
  isSelected(item: ListItem): boolean {
    return item.row !== null ? this.selected.has(item.row.index) : item.folder !== null && this.selectedFolders.has(item.folder.path);
  }

  /**
   * How many entries are selected: those Extract selected takes, what a selected folder brings
   * among them, so the count is the same in either view. Counted as rows, Ctrl+A by folder said
   * "7 selected" of an archive of 4 entries (3 folders without an entry), then "4 selected" flat.
   */
  get selectionSize(): number {
    return this.#selectionSize;
  }

  #selectionSize = $derived.by(() => {
    // Everything is selected (Ctrl+A): a folder brings nothing more. A selection without a folder
    // is counted as it is; only one with a folder costs a pass over every row, for what it holds.
    if (this.selected.size === this.rows.length) return this.selected.size;
    if (this.selectedFolders.size === 0 && !this.#holdsFolderEntry()) return this.selected.size;
    return selectionWithContents(this.rows, this.selected, this.selectedFolders, this.filter).size;
  });

  /** Whether an entry selected is a folder's (rows are in index order: `rows[i].index` is i). */
  #holdsFolderEntry(): boolean {
    for (const index of this.selected) if (this.rows[index]?.isDirectory) return true;
    return false;
  }

  /** Exactly these rows, swapped in at once. */
  #selectItems(items: readonly ListItem[]): void {
    const indexes: number[] = [];
    const folders: string[] = [];
    for (const item of items) {
      if (item.row) indexes.push(item.row.index);
      else if (item.folder) folders.push(item.folder.path);
    }
    this.selected = new SvelteSet(indexes);
    this.selectedFolders = new SvelteSet(folders);
  }

  /** The selected entries plus, for a selected folder (entry or not), what the filter shows under it. */
  selectedIndexes(): number[] {
    return withFolderContents(this.rows, this.selected, this.selectedFolders, this.filter);
  }
}

export const archive = new ArchiveState();
