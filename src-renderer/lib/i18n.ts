// Every string the window shows, in one catalog, English and German (issue 5). The locale
// follows the system (navigator.language); `{name}` placeholders are filled by t().

import type { SafetyWording } from '../../src-preload/contract.js';
import { visibleText } from './visible.js';

const en = {
  'app.title': 'Zipdesk',
  'fatal.title': 'Zipdesk ran into a problem',
  'fatal.reload': 'Reload the window',
  'error.retry': 'Try again',

  'toolbar.open': 'Open…',
  'toolbar.newArchive': 'New archive…',
  'toolbar.extractAll': 'Extract all…',
  'toolbar.extractSelected': 'Extract selected…',
  'toolbar.overwrite': 'When a file is already there',
  'toolbar.overwrite.skip': 'Skip existing',
  'toolbar.overwrite.replace': 'Replace existing',
  'toolbar.overwrite.rename': 'Keep both',
  'toolbar.test': 'Test',
  'toolbar.report': 'Archive report',
  'toolbar.filter': 'Filter names',
  'toolbar.flat': 'Flat',
  'toolbar.folders': 'By folder',
  'toolbar.view': 'View',
  'toolbar.close': 'Close archive',

  'empty.title': 'Drop a .zip to open it',
  'empty.body': 'Drop folders to zip each one into its own archive, or open an archive to see every header of every entry.',
  'empty.open': 'Open archive…',
  'empty.newArchive': 'Zip folders…',
  'drop.overlay': 'Drop to open a .zip or zip folders',
  'drop.rejected': 'Not accepted: {names}. Drop a .zip archive to open it, or folders to zip each one.',
  'drop.missing': 'Could not read: {names}.',
  'drop.oneZip': 'Only one archive opens at a time; opened {name}.',

  'archive.loading': 'Reading {name}…',
  'archive.summary': '{count} {count|entry|entries} · {size} · packed {packed}',
  'archive.openFailed': 'Could not open {name}',
  'archive.filtered': '{shown} of {count} shown',
  'archive.entries': 'Entries',
  'archive.selected': '{count} selected',
  'archive.noMatches': 'No entry matches “{filter}”.',

  'col.name': 'Name',
  'col.size': 'Size',
  'col.packed': 'Packed',
  'col.ratio': 'Ratio',
  'col.method': 'Method',
  'col.crc': 'CRC-32',
  'col.modified': 'Modified',
  'col.attributes': 'Attributes',
  'col.flags': 'Flags',

  'flag.utf8': 'UTF-8',
  'flag.dataDescriptor': 'DD',
  'flag.dataDescriptorTitle': 'Data descriptor',
  'flag.zip64': 'ZIP64',
  'flag.encrypted': 'Encrypted',
  'flag.symlink': 'Link',
  'level.normal': 'normal',
  'level.maximum': 'maximum',
  'level.fast': 'fast',
  'level.superfast': 'super fast',

  'inspector.title': 'Entry {index}',
  'inspector.close': 'Close inspector',
  'inspector.opened': '{name} in the inspector',
  'inspector.field': 'Field',
  'inspector.local': 'Local header',
  'inspector.central': 'Central directory',
  'inspector.offset': 'Offset',
  'inspector.raw': 'Raw bytes',
  'inspector.value': 'Value',
  'inspector.mismatch': 'Local and central records disagree',
  'inspector.agree': 'Local header and central record agree.',
  'inspector.localExtras': 'Extra fields (local)',
  'inspector.centralExtras': 'Extra fields (central)',
  'inspector.noExtras': 'none',
  'inspector.dataDescriptor': 'Data descriptor',
  'inspector.data': 'Compressed data: {length} bytes at offset {offset}',
  'inspector.dataUnknown': 'Compressed data: length unknown, at offset {offset}',
  'inspector.localError': 'The local header cannot be read: {message}',
  'inspector.loading': 'Reading the records…',

  'report.title': 'Archive report',
  'report.endRecords': 'End records',
  'report.safety': 'Safety report',
  'report.ok': 'Nothing looks wrong with this archive.',
  'report.warning': 'Some things in this archive need a look before you extract it.',
  'report.danger': 'This archive has problems that can harm your files if extracted carelessly.',
  'report.entries': 'Entries',
  'report.total': 'Total size',
  'report.packed': 'Packed size',
  'report.maxRatio': 'Highest ratio',
  'report.problems': 'Problems',
  'report.unlisted': 'and {count} more, not listed (the first 1,000 of each kind are)',
  'safety.DUPLICATE_NAME': '{count} entries write to this path',
  'safety.CASE_COLLISION': 'names differ only by case: {names}',
  'safety.FILE_AND_FOLDER': 'not a folder, but {entry} lies in a folder of this path: extracting cannot make both',
  'safety.FILE_AND_FOLDER_CASE': 'not a folder, but {entry} lies in {folder}, the same path but for case: on macOS and Windows, extracting cannot make both',
  'safety.ENCRYPTED': 'entry is encrypted',
  'safety.UNSUPPORTED_METHOD': 'compression method {method} ({name}) cannot be extracted',
  'safety.DISGUISED_NAME': 'the name holds control, invisible or right-to-left override characters (shown escaped), which can make it look like another name',
  'safety.TOO_LARGE': 'expands {times} times: a possible decompression bomb',
  'safety.DIRECTORY_SLACK': '{bytes} {bytes|byte|bytes} after the last central directory record, within the directory the end record declares (at offset {offset}, ignored)',
  'safety.DIRECTORY_SIGNATURE': 'the central directory ends with a digital signature record (APPNOTE 4.3.13, at offset {offset}, {bytes} {bytes|byte|bytes} of signature data), which is not checked',
  'safety.DIRECTORY_GAP': '{bytes} {bytes|byte|bytes} between the central directory and the end record (at offset {offset}, ignored)',
  'safety.ZIP64_END_IGNORED': 'the ZIP64 end record (at offset {offset}) gives another entry count or central directory than the end record, which needs none of its values: it is ignored, and the end record read',
  'safety.UNCOUNTED_PREFIX': '{bytes} {bytes|byte|bytes} before the archive that its offsets do not count (data put in front of it, or a self-extractor whose offsets were not adjusted): every offset is read {bytes} {bytes|byte|bytes} further on',
  'safety.OFFSETS_TOO_LARGE': "the archive's offsets count {bytes} {bytes|byte|bytes} that are not there (missing from its start?): every offset is read {bytes} {bytes|byte|bytes} earlier",
  'safety.DIRECTORY_MOVED': 'the end record puts the central directory at offset {declared}, but it is at {offset}, where its size puts it before the end record',
  'safety.DIRECTORY_SIZE': 'the end record declares a central directory of {declared} {declared|byte|bytes} but its records take {bytes} {bytes|byte|bytes}: they are read as they are',
  'safety.TRAILING_DATA': '{bytes} {bytes|byte|bytes} after the end record (at offset {offset}, ignored)',
  'safety.UNSAFE_PATH.EMPTY': 'unsafe name {name}: the name is empty',
  'safety.UNSAFE_PATH.NUL': 'unsafe name {name}: the name holds a NUL character',
  'safety.UNSAFE_PATH.ABSOLUTE': 'unsafe name {name}: the name is an absolute path',
  'safety.UNSAFE_PATH.DRIVE_LETTER': 'unsafe name {name}: the name starts with the drive letter {drive}',
  'safety.UNSAFE_PATH.CLIMBS_OUT': 'unsafe name {name}: the name climbs out of the target folder with ".."',
  'safety.UNSAFE_PATH.EMPTY_AFTER_NORMALIZATION': 'unsafe name {name}: the name is empty after normalization',
  'safety.UNSAFE_SYMLINK.OUTSIDE': 'the link points outside the folder it is extracted to (→ {target})',
  'safety.UNSAFE_SYMLINK.EMPTY_TARGET': 'symbolic link target is empty',
  'safety.UNSAFE_SYMLINK.NUL_IN_TARGET': 'symbolic link target holds a NUL byte, which no path may hold (→ {target})',
  'safety.UNSAFE_SYMLINK.TOO_LONG': 'link target of {bytes} bytes is too long',
  'safety.UNSAFE_SYMLINK.UNREADABLE': "the link's target cannot be read: {error}",
  'safety.OVERLAPPING_ENTRIES.ENTRY': '{name} (bytes {start}–{end}) overlaps {other} (local header at offset {otherStart})',
  'safety.OVERLAPPING_ENTRIES.DIRECTORY': '{name} (bytes {start}–{end}) overlaps the central directory (bytes {directoryStart}–{directoryEnd})',
  'safety.TRUNCATED.LOCAL_HEADER_OUTSIDE': 'local header offset {offset} is outside the archive ({size} bytes)',
  'safety.TRUNCATED.LOCAL_HEADER_PAST_END': 'local header at offset {offset} ({length} bytes with name and extra field) runs past the end of the archive ({size} bytes)',
  'safety.BAD_LOCAL_HEADER': 'bad local file header signature {signature} at offset {offset}',
  'safety.BAD_ZIP64.NO_ZIP64_COMPRESSED_SIZE': 'central record has compressed size 0xffffffff but no ZIP64 extra field value for it',
  'safety.BAD_ZIP64.NO_ZIP64_OFFSET': 'central record has local header offset 0xffffffff but no ZIP64 extra field value for it',
  'safety.LOCAL_MISMATCH': '{fields}',
  'safety.mismatchedField': '{field}: local {local}, central {central}',

  'confirm.title': 'Extract {name}?',
  'confirm.extractAnyway': 'Extract anyway',
  'confirm.cancel': 'Cancel',

  'jobs.title': 'Jobs',
  'jobs.none': 'No jobs yet. Drop folders here to zip them.',
  'jobs.ended': '{kind} {title}: {state}',
  'jobs.clear': 'Clear finished',
  'jobs.cancel': 'Cancel',
  'jobs.reveal': 'Show in folder',
  'jobs.queued': 'Queued',
  'jobs.running': 'Running',
  'jobs.done': 'Done',
  'jobs.failed': 'Failed',
  'jobs.cancelled': 'Cancelled',
  'jobs.speed': '{speed}/s',
  'jobs.eta': '{eta} left',
  'jobs.entries': '{done} of {total} {total|entry|entries}',
  'jobs.counting': 'Finding files: {total} {total|entry|entries}, {bytes} so far',
  'jobs.kind.create': 'Create',
  'jobs.kind.batch': 'Zip',
  'jobs.kind.extract': 'Extract',
  'jobs.kind.test': 'Test',
  'jobs.active': '{count} active',
  'jobs.outcome': '{entries} {entries|entry|entries} · {bytesIn} → {bytesOut} · {duration}',
  'jobs.outcome.test': '{entries} {entries|entry|entries} OK · {bytesOut} checked · {duration}',
  'jobs.outcome.extract': '{entries} {entries|entry|entries} · {bytesOut} written · {duration}',
  'jobs.archiveNote': 'warning: {note}',

  'notice.dismiss': 'Dismiss',
} as const satisfies Readonly<Record<`safety.${SafetyWording}`, string>> & Readonly<Record<string, string>>;

export type MessageKey = keyof typeof en;
type Catalog = { readonly [K in MessageKey]: string };

const de: Catalog = {
  'app.title': 'Zipdesk',
  'fatal.title': 'Zipdesk ist auf ein Problem gestoßen',
  'fatal.reload': 'Fenster neu laden',
  'error.retry': 'Erneut versuchen',

  'toolbar.open': 'Öffnen…',
  'toolbar.newArchive': 'Neues Archiv…',
  'toolbar.extractAll': 'Alles entpacken…',
  'toolbar.extractSelected': 'Auswahl entpacken…',
  'toolbar.overwrite': 'Wenn eine Datei schon da ist',
  'toolbar.overwrite.skip': 'Vorhandene lassen',
  'toolbar.overwrite.replace': 'Vorhandene ersetzen',
  'toolbar.overwrite.rename': 'Beide behalten',
  'toolbar.test': 'Prüfen',
  'toolbar.report': 'Archivbericht',
  'toolbar.filter': 'Namen filtern',
  'toolbar.flat': 'Flach',
  'toolbar.folders': 'Nach Ordnern',
  'toolbar.view': 'Ansicht',
  'toolbar.close': 'Archiv schließen',

  'empty.title': 'Eine .zip-Datei hier ablegen, um sie zu öffnen',
  'empty.body': 'Ordner ablegen, um jeden in ein eigenes Archiv zu packen, oder ein Archiv öffnen, um jeden Header jedes Eintrags zu sehen.',
  'empty.open': 'Archiv öffnen…',
  'empty.newArchive': 'Ordner packen…',
  'drop.overlay': 'Ablegen, um eine .zip-Datei zu öffnen oder Ordner zu packen',
  'drop.rejected': 'Nicht angenommen: {names}. Eine .zip-Datei zum Öffnen ablegen oder Ordner zum Packen.',
  'drop.missing': 'Nicht lesbar: {names}.',
  'drop.oneZip': 'Es wird nur ein Archiv auf einmal geöffnet; geöffnet: {name}.',

  'archive.loading': '{name} wird gelesen…',
  'archive.summary': '{count} {count|Eintrag|Einträge} · {size} · gepackt {packed}',
  'archive.openFailed': '{name} kann nicht geöffnet werden',
  'archive.filtered': '{shown} von {count} angezeigt',
  'archive.entries': 'Einträge',
  'archive.selected': '{count} ausgewählt',
  'archive.noMatches': 'Kein Eintrag passt zu „{filter}“.',

  'col.name': 'Name',
  'col.size': 'Größe',
  'col.packed': 'Gepackt',
  'col.ratio': 'Rate',
  'col.method': 'Methode',
  'col.crc': 'CRC-32',
  'col.modified': 'Geändert',
  'col.attributes': 'Attribute',
  'col.flags': 'Flags',

  'flag.utf8': 'UTF-8',
  'flag.dataDescriptor': 'DD',
  'flag.dataDescriptorTitle': 'Datendeskriptor',
  'flag.zip64': 'ZIP64',
  'flag.encrypted': 'Verschlüsselt',
  'flag.symlink': 'Link',
  'level.normal': 'normal',
  'level.maximum': 'maximal',
  'level.fast': 'schnell',
  'level.superfast': 'sehr schnell',

  'inspector.title': 'Eintrag {index}',
  'inspector.close': 'Inspektor schließen',
  'inspector.opened': '{name} im Inspektor',
  'inspector.field': 'Feld',
  'inspector.local': 'Lokaler Header',
  'inspector.central': 'Zentralverzeichnis',
  'inspector.offset': 'Offset',
  'inspector.raw': 'Rohdaten',
  'inspector.value': 'Wert',
  'inspector.mismatch': 'Lokaler und zentraler Eintrag stimmen nicht überein',
  'inspector.agree': 'Lokaler Header und Zentralverzeichnis stimmen überein.',
  'inspector.localExtras': 'Zusatzfelder (lokal)',
  'inspector.centralExtras': 'Zusatzfelder (zentral)',
  'inspector.noExtras': 'keine',
  'inspector.dataDescriptor': 'Datendeskriptor',
  'inspector.data': 'Komprimierte Daten: {length} Bytes ab Offset {offset}',
  'inspector.dataUnknown': 'Komprimierte Daten: Länge unbekannt, ab Offset {offset}',
  'inspector.localError': 'Der lokale Header ist nicht lesbar: {message}',
  'inspector.loading': 'Die Einträge werden gelesen…',

  'report.title': 'Archivbericht',
  'report.endRecords': 'Endeinträge',
  'report.safety': 'Sicherheitsbericht',
  'report.ok': 'An diesem Archiv scheint nichts falsch zu sein.',
  'report.warning': 'Einiges in diesem Archiv sollte vor dem Entpacken geprüft werden.',
  'report.danger': 'Dieses Archiv hat Probleme, die beim unbedachten Entpacken Dateien gefährden.',
  'report.entries': 'Einträge',
  'report.total': 'Gesamtgröße',
  'report.packed': 'Gepackte Größe',
  'report.maxRatio': 'Höchste Rate',
  'report.problems': 'Probleme',
  'report.unlisted': 'und {count} weitere, nicht aufgeführt (die ersten 1.000 jeder Art stehen hier)',
  'safety.DUPLICATE_NAME': '{count} Einträge schreiben an diesen Pfad',
  'safety.CASE_COLLISION': 'Namen unterscheiden sich nur in Groß- und Kleinschreibung: {names}',
  'safety.FILE_AND_FOLDER': 'kein Ordner, aber {entry} liegt in einem Ordner dieses Pfads: beim Entpacken kann nur eines entstehen',
  'safety.FILE_AND_FOLDER_CASE': 'kein Ordner, aber {entry} liegt in {folder}, demselben Pfad bis auf Groß- und Kleinschreibung: unter macOS und Windows kann beim Entpacken nur eines entstehen',
  'safety.ENCRYPTED': 'Eintrag ist verschlüsselt',
  'safety.UNSUPPORTED_METHOD': 'Kompressionsmethode {method} ({name}) kann nicht entpackt werden',
  'safety.DISGUISED_NAME': 'Der Name enthält Steuer-, unsichtbare oder Rechts-nach-links-Zeichen (maskiert gezeigt), durch die er wie ein anderer Name aussehen kann',
  'safety.TOO_LARGE': 'wird {times}-mal größer: möglicherweise eine Dekompressionsbombe',
  'safety.DIRECTORY_SLACK': '{bytes} {bytes|Byte|Bytes} nach dem letzten Eintrag des zentralen Verzeichnisses, innerhalb der Größe, die der Endeintrag angibt (bei Offset {offset}, übergangen)',
  'safety.DIRECTORY_SIGNATURE': 'Das zentrale Verzeichnis endet mit einer digitalen Signatur (APPNOTE 4.3.13, bei Offset {offset}, {bytes} {bytes|Byte|Bytes} Signaturdaten), die nicht geprüft wird',
  'safety.DIRECTORY_GAP': '{bytes} {bytes|Byte|Bytes} zwischen dem zentralen Verzeichnis und dem Endeintrag (bei Offset {offset}, übergangen)',
  'safety.ZIP64_END_IGNORED': 'Der ZIP64-Endeintrag (bei Offset {offset}) nennt eine andere Zahl von Einträgen oder ein anderes zentrales Verzeichnis als der Endeintrag, der keinen seiner Werte braucht: er wird übergangen und der Endeintrag gelesen',
  'safety.UNCOUNTED_PREFIX': '{bytes} {bytes|Byte|Bytes} vor dem Archiv, die seine Offsets nicht mitzählen (davorgesetzte Daten oder ein Selbstentpacker mit nicht angepassten Offsets): jeder Offset wird {bytes} {bytes|Byte|Bytes} weiter hinten gelesen',
  'safety.OFFSETS_TOO_LARGE': 'Die Offsets des Archivs zählen {bytes} {bytes|Byte|Bytes} mit, die fehlen (am Anfang abgeschnitten?): jeder Offset wird {bytes} {bytes|Byte|Bytes} weiter vorn gelesen',
  'safety.DIRECTORY_MOVED': 'Der Endeintrag setzt das zentrale Verzeichnis an Offset {declared}, es liegt aber bei {offset}, wo seine Größe es vor den Endeintrag stellt',
  'safety.DIRECTORY_SIZE': 'Der Endeintrag gibt für das zentrale Verzeichnis {declared} {declared|Byte|Bytes} an, seine Einträge belegen aber {bytes} {bytes|Byte|Bytes}: sie werden gelesen, wie sie sind',
  'safety.TRAILING_DATA': '{bytes} {bytes|Byte|Bytes} nach dem Endeintrag (bei Offset {offset}, übergangen)',
  'safety.UNSAFE_PATH.EMPTY': 'unsicherer Name {name}: der Name ist leer',
  'safety.UNSAFE_PATH.NUL': 'unsicherer Name {name}: der Name enthält ein NUL-Zeichen',
  'safety.UNSAFE_PATH.ABSOLUTE': 'unsicherer Name {name}: der Name ist ein absoluter Pfad',
  'safety.UNSAFE_PATH.DRIVE_LETTER': 'unsicherer Name {name}: der Name beginnt mit dem Laufwerksbuchstaben {drive}',
  'safety.UNSAFE_PATH.CLIMBS_OUT': 'unsicherer Name {name}: der Name steigt mit „..“ aus dem Zielordner hinaus',
  'safety.UNSAFE_PATH.EMPTY_AFTER_NORMALIZATION': 'unsicherer Name {name}: der Name ist nach dem Normalisieren leer',
  'safety.UNSAFE_SYMLINK.OUTSIDE': 'Der Link zeigt aus dem Ordner hinaus, in den entpackt wird (→ {target})',
  'safety.UNSAFE_SYMLINK.EMPTY_TARGET': 'Das Ziel des symbolischen Links ist leer',
  'safety.UNSAFE_SYMLINK.NUL_IN_TARGET': 'Das Ziel des symbolischen Links enthält ein NUL-Byte, das kein Pfad enthalten darf (→ {target})',
  'safety.UNSAFE_SYMLINK.TOO_LONG': 'Das Ziel des Links ist mit {bytes} Bytes zu lang',
  'safety.UNSAFE_SYMLINK.UNREADABLE': 'Das Ziel des Links ist nicht lesbar: {error}',
  'safety.OVERLAPPING_ENTRIES.ENTRY': '{name} (Bytes {start}–{end}) überschneidet sich mit {other} (lokaler Header bei Offset {otherStart})',
  'safety.OVERLAPPING_ENTRIES.DIRECTORY': '{name} (Bytes {start}–{end}) überschneidet sich mit dem zentralen Verzeichnis (Bytes {directoryStart}–{directoryEnd})',
  'safety.TRUNCATED.LOCAL_HEADER_OUTSIDE': 'Der Offset {offset} des lokalen Headers liegt außerhalb des Archivs ({size} Bytes)',
  'safety.TRUNCATED.LOCAL_HEADER_PAST_END': 'Der lokale Header bei Offset {offset} ({length} Bytes mit Name und Zusatzfeld) reicht über das Ende des Archivs hinaus ({size} Bytes)',
  'safety.BAD_LOCAL_HEADER': 'Falsche Signatur {signature} des lokalen Headers bei Offset {offset}',
  'safety.BAD_ZIP64.NO_ZIP64_COMPRESSED_SIZE': 'Der zentrale Eintrag gibt die komprimierte Größe als 0xffffffff an, aber das ZIP64-Zusatzfeld hat keinen Wert dafür',
  'safety.BAD_ZIP64.NO_ZIP64_OFFSET': 'Der zentrale Eintrag gibt den Offset des lokalen Headers als 0xffffffff an, aber das ZIP64-Zusatzfeld hat keinen Wert dafür',
  'safety.LOCAL_MISMATCH': '{fields}',
  'safety.mismatchedField': '{field}: lokal {local}, zentral {central}',

  'confirm.title': '{name} entpacken?',
  'confirm.extractAnyway': 'Trotzdem entpacken',
  'confirm.cancel': 'Abbrechen',

  'jobs.title': 'Aufträge',
  'jobs.none': 'Noch keine Aufträge. Ordner hier ablegen, um sie zu packen.',
  'jobs.ended': '{kind} {title}: {state}',
  'jobs.clear': 'Erledigte entfernen',
  'jobs.cancel': 'Abbrechen',
  'jobs.reveal': 'Im Ordner zeigen',
  'jobs.queued': 'Wartet',
  'jobs.running': 'Läuft',
  'jobs.done': 'Fertig',
  'jobs.failed': 'Fehlgeschlagen',
  'jobs.cancelled': 'Abgebrochen',
  'jobs.speed': '{speed}/s',
  'jobs.eta': 'noch {eta}',
  'jobs.entries': '{done} von {total} {total|Eintrag|Einträgen}',
  'jobs.counting': 'Dateien werden gesucht: bisher {total} {total|Eintrag|Einträge}, {bytes}',
  'jobs.kind.create': 'Erstellen',
  'jobs.kind.batch': 'Packen',
  'jobs.kind.extract': 'Entpacken',
  'jobs.kind.test': 'Prüfen',
  'jobs.active': '{count} aktiv',
  'jobs.outcome': '{entries} {entries|Eintrag|Einträge} · {bytesIn} → {bytesOut} · {duration}',
  'jobs.outcome.test': '{entries} {entries|Eintrag|Einträge} in Ordnung · {bytesOut} geprüft · {duration}',
  'jobs.outcome.extract': '{entries} {entries|Eintrag|Einträge} · {bytesOut} geschrieben · {duration}',
  'jobs.archiveNote': 'Warnung: {note}',

  'notice.dismiss': 'Schließen',
};

export const CATALOGS: { readonly en: Catalog; readonly de: Catalog } = { en, de };

export type Locale = keyof typeof CATALOGS;

export function pickLocale(language: string | undefined): Locale {
  return language?.toLowerCase().startsWith('de') ? 'de' : 'en';
}

export const locale: Locale = pickLocale(typeof navigator === 'undefined' ? undefined : navigator.language);

/** Whether the catalog has this key (for messages chosen by a code from main). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(CATALOGS[locale], key);
}

/**
 * The message for `key` with `{name}` filled in. `{name|one|other}` picks a form by the value
 * (English and German both have just these two).
 */
export function t(key: MessageKey, params: Readonly<Record<string, string | number>> = {}, language: Locale = locale): string {
  const text = CATALOGS[language][key];
  return text
    .replace(/\{(\w+)\|([^|}]*)\|([^}]*)\}/g, (whole, name: string, one: string, other: string) => (name in params ? (String(params[name]) === '1' ? one : other) : whole))
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? visibleText(String(params[name])) : whole));
}

/** A finding main sends in English with its code (and kind) and values. */
export interface Finding {
  readonly code: string;
  readonly kind?: string | undefined;
  readonly message: string;
  readonly params?: Readonly<Record<string, string | number>> | undefined;
  /** LOCAL_MISMATCH: its fields, worded each (`safety.mismatchedField`) and filled in as `{fields}`. */
  readonly mismatches?: readonly Readonly<Record<string, string>>[] | undefined;
}

/**
 * A finding (a safety report's problem, a job's note about the archive) in the user's language
 * when the catalog words its code (`safety.CODE`, or `safety.CODE.KIND`: SAFETY_WORDINGS in the
 * contract), else as main words it.
 */
export function findingText(finding: Finding, language: Locale = locale): string {
  const key = finding.kind === undefined ? `safety.${finding.code}` : `safety.${finding.code}.${finding.kind}`;
  if (finding.params === undefined || !hasMessage(key)) return visibleText(finding.message);
  const fields = finding.mismatches?.map((mismatch) => t('safety.mismatchedField', mismatch, language)).join('; ');
  return t(key, fields === undefined ? finding.params : { ...finding.params, fields }, language);
}
