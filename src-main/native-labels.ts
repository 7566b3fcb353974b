// The words of what the operating system shows for Zipdesk outside its window: the native file
// dialogs and the notifications at the end of a long job, in English or German by the system's
// locale (the window's own strings are in src-renderer/lib/i18n.ts, the menu's in menu.ts).

const EN = {
  openArchiveTitle: 'Open Archive',
  zipArchives: 'ZIP archives',
  allFiles: 'All files',
  extractTitle: 'Extract {name} to',
  extractButton: 'Extract Here',
  zipFoldersTitle: 'Zip Folders',
  zipFoldersButton: 'Zip Each Folder',
  doneTitle: 'Zipdesk: done',
  failedTitle: 'Zipdesk: failed',
  notes: 'some files were skipped or renamed',
};

export type NativeLabels = { readonly [K in keyof typeof EN]: string };

const DE: NativeLabels = {
  openArchiveTitle: 'Archiv öffnen',
  zipArchives: 'ZIP-Archive',
  allFiles: 'Alle Dateien',
  extractTitle: '{name} entpacken nach',
  extractButton: 'Hier entpacken',
  zipFoldersTitle: 'Ordner zippen',
  zipFoldersButton: 'Jeden Ordner zippen',
  doneTitle: 'Zipdesk: fertig',
  failedTitle: 'Zipdesk: fehlgeschlagen',
  notes: 'einige Dateien wurden übersprungen oder umbenannt',
};

export function nativeLabels(locale = 'en'): NativeLabels {
  return locale.toLowerCase().startsWith('de') ? DE : EN;
}

/** A label with its {placeholders} filled. */
export function fill(label: string, values: Readonly<Record<string, string | number>>): string {
  return label.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}
