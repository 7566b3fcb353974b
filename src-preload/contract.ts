// The one contract between the window and the main process (issue 5): method names, the
// channels they travel on, and every argument, result and event type. Types and constants only,
// all JSON-serializable. The preload builds `window.zipdesk` from API_METHODS, main registers one
// validated handler per method, and the renderer imports nothing from here but types.

/** A coded failure that crosses the bridge instead of an exception. */
export interface ApiError {
  /** A ZipError code ('EOCD_NOT_FOUND', 'CRC_MISMATCH', …) or one of the bridge's own below. */
  readonly code: string;
  /** One readable line, e.g. "bad central directory signature 0x06054b51 at offset 812". */
  readonly message: string;
  /**
   * For a ZipError of no entry that has them (a batch of the root folder), which of the code's
   * messages this is and the values it is made of: the window words it in its language as it
   * words a job's problem (JobProblem); else it shows `message`.
   */
  readonly kind?: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** What the bridge itself can refuse with, besides the ZipError codes of the core. */
export const BRIDGE_ERROR_CODES = ['BAD_ARGUMENT', 'FORBIDDEN_SENDER', 'FORBIDDEN_PATH', 'NOT_FOUND', 'INTERNAL'] as const;

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

// ---------------------------------------------------------------------------------------------
// Archives

export interface ArchiveSummary {
  /** Main's handle for this open archive; pass it back to listEntries/inspectEntry/…. */
  readonly archiveId: string;
  readonly path: string;
  /** The file name, for titles. */
  readonly name: string;
  readonly size: number;
  readonly entryCount: number;
  readonly comment: string;
  readonly totalUncompressed: number;
  readonly totalCompressed: number;
  /** Read through a ZIP64 end record. */
  readonly zip64: boolean;
  /** Bytes before the first record (self-extractor stubs) and after the end record. */
  readonly offsetAdjustment: number;
  readonly trailingBytes: number;
  /**
   * The code page names not flagged UTF-8 are read in, as openArchive was asked or as chosen for
   * this archive before (its WHATWG name, "shift_jis"); null: as UTF-8 where they are UTF-8, else
   * as CP437.
   */
  readonly nameEncoding: string | null;
}

/** Deflate's speed/size trade-off from general purpose bits 1–2 (APPNOTE 4.4.4). */
export type DeflateLevel = 'normal' | 'maximum' | 'fast' | 'superfast';

/** One line of the header listing, already reduced to what the table shows. */
export interface EntryRow {
  readonly index: number;
  readonly name: string;
  /**
   * null when the central record holds the ZIP64 marker (0xffffffff) for it and no ZIP64 value
   * anywhere: a damaged record whose size is not known (the table shows "?").
   */
  readonly size: number | null;
  readonly packed: number | null;
  /**
   * The method of the entry's data: an AES-encrypted entry's (stored as 99) is the one its extra
   * field names, as `aes` says.
   */
  readonly method: number;
  /**
   * The method's name where it is a name, APPNOTE 4.4.5's for its algorithms ("Deflated",
   * "Imploded", "BZIP2", "LZMA"…), shown as it is in every language; '' for those the window words
   * by their number: Stored (0), Zstandard (old) (20), and a number with no name ("method 77").
   */
  readonly methodName: string;
  /**
   * For an AES-encrypted entry with its extra field (WinZip AE-x), the key strength that field
   * stores (1–3: AES-128, AES-192, AES-256); null for any other entry. A number, not the cipher's
   * name: rows are many.
   */
  readonly aes: number | null;
  readonly level: DeflateLevel | null;
  readonly crc32: number;
  /**
   * An instant (an extended-timestamp or NTFS time) in milliseconds since the epoch, shown in the
   * local zone; or, when `dosTime`, a DOS time, a wall-clock time with no zone: the milliseconds of
   * the UTC time with its parts, shown as UTC, so as stored (02:30 on the day the local clocks skip
   * it stays 02:30).
   */
  readonly modified: number;
  /** `modified` is a DOS time (see there). A flag, not the text of the time: a million rows stay small. */
  readonly dosTime: boolean;
  /** "-rw-r--r--" for Unix entries, DOS letters "RHSDA" otherwise. */
  readonly attributes: string;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
  readonly utf8: boolean;
  readonly dataDescriptor: boolean;
  readonly zip64: boolean;
  readonly encrypted: boolean;
}

export interface EntryPage {
  readonly total: number;
  readonly start: number;
  readonly rows: readonly EntryRow[];
  /**
   * How many of these rows have names that nothing says the encoding of and that are not UTF-8 (nor
   * text in the code page openArchive was given): read as DOS's code page 437, often wrongly.
   */
  readonly guessedNames: number;
}

/**
 * The most rows one listEntries call returns; the renderer pages through larger archives. Main
 * makes a page's rows at once and lets them go once sent: pages of 20,000 outlived the young
 * generation's collections, and paging out a million rows took main's heap to 50 MB (its RSS to
 * 138 MB, under Node); in pages of 5,000, 20 MB (100 MB).
 */
export const MAX_PAGE_ROWS = 5_000;

/**
 * The most paths one drop or one batch may hold (classifyPaths, enqueueBatch): a bound on what a
 * window can ask of main. Each folder is a job with its card in the Jobs panel; more are refused
 * whole, with a notice that says how many may go at once.
 */
export const MAX_PATHS_AT_ONCE = 10_000;

/** One field of a record as the inspector shows it. */
export interface FieldView {
  readonly name: string;
  /** Absolute offset in the archive. */
  readonly offset: number;
  readonly size: number;
  /** Raw bytes as hex pairs ("50 4b 03 04"), long runs cut with "…". */
  readonly raw: string;
  /** The decoded value as text ("8", "0x1c4a0f3e", "docs/readme.txt"). */
  readonly value: string;
  /** What the value means, when that is more than the number ("Deflated", "2024-05-01 12:00:00"), in English. */
  readonly meaning: string;
  /** The same as codes and values, which the window says in the user's language; [] when it means nothing more. */
  readonly meaningClauses: readonly MeaningClause[];
}

/**
 * Every way the inspector says what a field's value means (main's zip/meanings.ts words each in
 * English for the command line). The window words each in English and German: its catalog has
 * `meaning.` and each of these. TEXT is said alike in every language (a hex value, a version,
 * a method's name, a date, rwx).
 */
export const MEANING_CODES = [
  'TEXT',
  'NONE',
  'AS_EXPECTED',
  'BAD_SIGNATURE',
  'VERSION_MADE_BY',
  'VERSION_MADE_BY_HOST_NUMBER',
  'FLAG_ENCRYPTED',
  'FLAG_DATA_DESCRIPTOR',
  'FLAG_ENHANCED_DEFLATING',
  'FLAG_PATCHED_DATA',
  'FLAG_STRONG_ENCRYPTION',
  'FLAG_UTF8',
  'FLAG_MASKED_HEADER',
  'FLAG_DEFLATE_MAXIMUM',
  'FLAG_DEFLATE_FAST',
  'FLAG_DEFLATE_SUPER_FAST',
  'FLAG_OTHER',
  'METHOD_NUMBER',
  'METHOD_STORED',
  'METHOD_ZSTANDARD_OLD',
  'DOS_TIME_OUT_OF_RANGE',
  'DOS_DATE',
  'DOS_DATE_OUT_OF_RANGE',
  'IN_DATA_DESCRIPTOR',
  'IN_ZIP64_EXTRA_FIELD',
  'ZIP64_VALUE_MISSING',
  'IN_ZIP64_END_RECORD',
  'BYTES',
  'SIZE',
  'LENGTH',
  'DECLARED_PRESENT',
  'DISK',
  'DISKS',
  'TEXT_DATA',
  'BINARY_DATA',
  'DOS_ATTRIBUTES',
  'NO_DOS_ATTRIBUTES',
  'LOCAL_HEADER_AT',
  'NAME_UTF8_FLAGGED',
  'NAME_UNFLAGGED',
  'EXTRA_FIELD',
  'EXTRA_FIELD_UNKNOWN',
  'EXTRA_FIELD_CUT',
  'EXTRA_FIELD_UNKNOWN_CUT',
  'EXTRA_FIELD_TRAILING_BYTES',
  'TIME_MODIFICATION',
  'TIME_ACCESS',
  'TIME_CREATION',
  'NO_FILETIME',
  'NO_FILETIME_NOT_USED',
  'OUT_OF_RANGE',
  'PAST_YEAR_9998',
  'UNIX_TIME_NEGATIVE',
  'UNIX_TIME_CONTRADICTED',
  'NTFS_FILE_TIMES',
  'NTFS_ATTRIBUTE_UNKNOWN',
  'NTFS_FILE_TIMES_TOO_SHORT',
  'UNICODE_NAME_CRC_MISMATCH',
  'UNICODE_COMMENT_CRC_MISMATCH',
  'UNICODE_NAME_USED',
  'UNICODE_COMMENT_USED',
  'UNICODE_NAME_VERSION_UNKNOWN',
  'UNICODE_COMMENT_VERSION_UNKNOWN',
  'UNICODE_NAME_EMPTY',
  'UNICODE_COMMENT_EMPTY',
  'UNICODE_NAME_NOT_UTF8',
  'UNICODE_COMMENT_NOT_UTF8',
  'NOT_UTF8_ESCAPED',
  'VERSION_NUMBER',
  'VERSION_UNKNOWN',
  'LOCAL_OFFSET_NOT_READ',
  'LOCAL_DISK_NOT_READ',
  'AES_STRENGTH_NUMBER',
  'DATA_DESCRIPTOR_SIGNATURE',
  'MATCHES_CENTRAL',
  'CENTRAL_SAYS',
  'AFTER_PREFIX',
  'DIRECTORY_AT',
  'DIRECTORY_READ_ELSEWHERE',
  'DIRECTORY_PAST_PREFIX',
  'ENTRIES',
  'BYTES_AFTER_ARCHIVE',
  'OFFSET',
  'RECORD_LENGTH',
  'RECORD_LENGTH_EXTENSIBLE',
  'IGNORED',
  'ZIP64_END_RECORD_AT',
  'ZIP64_END_RECORD_ELSEWHERE',
  'ZIP64_END_RECORD_IGNORED',
  'ZIP64_LOCATOR_IGNORED',
] as const;

export type MeaningCode = (typeof MEANING_CODES)[number];

/**
 * One part of a meaning: its code and the values it is made of. A number is said in the user's
 * locale ("1.234" in German), one named `size` as a size in decimal units ("40,0 KB"); a string
 * as it is.
 */
export interface MeaningPart {
  readonly code: MeaningCode;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** Parts said together, ", " between them; a meaning's clauses are said one after another, "; " between them. */
export type MeaningClause = readonly MeaningPart[];

export interface RecordView {
  /** "end of central directory record", "extended timestamp (0x5455)"…, in English. */
  readonly title: string;
  /** The same by its code, which the window words in the user's language; null for a title without one (said as `title`). */
  readonly titled: RecordTitling | null;
  readonly offset: number;
  readonly size: number;
  readonly fields: readonly FieldView[];
}

/**
 * Every title the inspector gives a record or an extra field (main's zip/record-titles.ts says
 * each in English). The window words each in English and German: its catalog has `record.` and
 * each of these. The names of fields stay APPNOTE's, in every language.
 */
export const RECORD_TITLES = [
  'LOCAL_FILE_HEADER',
  'CENTRAL_DIRECTORY_HEADER',
  'DIGITAL_SIGNATURE',
  'END_OF_CENTRAL_DIRECTORY',
  'ZIP64_END_OF_CENTRAL_DIRECTORY',
  'ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR',
  'DATA_DESCRIPTOR',
  'DATA_DESCRIPTOR_UNSIGNED',
  'DATA_DESCRIPTOR_ZIP64',
  'DATA_DESCRIPTOR_ZIP64_UNSIGNED',
  'EXTRA_ZIP64',
  'EXTRA_EXTENDED_TIMESTAMP',
  'EXTRA_INFOZIP_UNIX_OLD',
  'EXTRA_INFOZIP_UNIX_NEW',
  'EXTRA_INFOZIP_UNIX_2',
  'EXTRA_INFOZIP_UNICODE_PATH',
  'EXTRA_INFOZIP_UNICODE_COMMENT',
  'EXTRA_NTFS',
  'EXTRA_PKWARE_UNIX',
  'EXTRA_WINZIP_AES',
  'EXTRA_UNKNOWN',
  'EXTRA_UNKNOWN_CUT',
  'TRAILING_BYTES',
] as const;

export type RecordTitle = (typeof RECORD_TITLES)[number];

/** A record's title as the window words it: its code, an extra field's header id (shown as "(0x5455)"), and whether the field runs past the extra field area. */
export interface RecordTitling {
  readonly code: RecordTitle;
  readonly headerId: number | null;
  readonly cutShort: boolean;
}

/** A row of the side-by-side view: the same field in the local header and in the central record. */
export interface FieldPair {
  readonly name: string;
  readonly local: FieldView | null;
  readonly central: FieldView | null;
  /** The two disagree (APPNOTE: the central directory is the truth). */
  readonly mismatch: boolean;
}

/** A field the local header and the central record disagree on, and its two values as shown ("0x1c4a0f3e"). */
// (A type, not an interface: the window fills a wording's values from it.)
export type FieldMismatch = {
  readonly field: string;
  readonly local: string;
  readonly central: string;
};

/**
 * Why the local header cannot be read: in English, with its code (and kind) and values, which the
 * window words as the safety report words the same problem.
 */
export interface LocalHeaderError {
  readonly code: string;
  readonly kind?: string;
  readonly message: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

export interface EntryInspection {
  readonly index: number;
  readonly name: string;
  readonly pairs: readonly FieldPair[];
  /** Extra fields of both records, decoded field by field. */
  readonly localExtras: readonly RecordView[];
  readonly centralExtras: readonly RecordView[];
  readonly dataDescriptor: RecordView | null;
  /**
   * Where the compressed data starts and how long it is; the length is null when not known (a
   * damaged record whose size is only a ZIP64 marker, shown as "?" in the listing).
   */
  readonly dataOffset: number | null;
  readonly dataLength: number | null;
  /** The disagreements, a field each (the window says "crc32: local 0x00000000, central 0x1c4a0f3e" in its language). */
  readonly mismatches: readonly FieldMismatch[];
  /** The local header could not be read at all (why). */
  readonly localError: LocalHeaderError | null;
}

export type Severity = 'info' | 'warning' | 'danger';

export interface SafetyProblem {
  readonly severity: Severity;
  readonly code: string;
  /** Which of the code's wordings, for a code said in more than one way (SAFETY_WORDINGS: `CODE.KIND`). */
  readonly kind?: string;
  readonly entry: string | null;
  /** In English; the window words a problem it knows by its code (and kind) and `params` in the user's language. */
  readonly message: string;
  /** The values the message is made of, for a wording in another language. */
  readonly params?: Readonly<Record<string, string | number>>;
  /** LOCAL_MISMATCH: each field the local header and the central record disagree on, its two values as shown. */
  readonly mismatches?: readonly FieldMismatch[];
}

/**
 * Every way the safety report says a problem: its code, or `CODE.KIND` for a code said in more
 * than one way (SafetyProblem.kind). The window words each in English and German (its catalog
 * has `safety.` and each of these), and a test makes each of them from an archive.
 */
export const SAFETY_WORDINGS = [
  'UNSAFE_PATH.EMPTY',
  'UNSAFE_PATH.NUL',
  'UNSAFE_PATH.ABSOLUTE',
  'UNSAFE_PATH.DRIVE_LETTER',
  'UNSAFE_PATH.CLIMBS_OUT',
  'UNSAFE_PATH.EMPTY_AFTER_NORMALIZATION',
  'UNSAFE_SYMLINK.OUTSIDE',
  'UNSAFE_SYMLINK.EMPTY_TARGET',
  'UNSAFE_SYMLINK.NUL_IN_TARGET',
  'UNSAFE_SYMLINK.TOO_LONG',
  'UNSAFE_SYMLINK.UNREADABLE',
  'OVERLAPPING_ENTRIES.ENTRY',
  'OVERLAPPING_ENTRIES.DIRECTORY',
  'TRUNCATED.LOCAL_HEADER_OUTSIDE',
  'TRUNCATED.LOCAL_HEADER_PAST_END',
  'BAD_LOCAL_HEADER',
  'BAD_ZIP64.NO_ZIP64_COMPRESSED_SIZE',
  'BAD_ZIP64.NO_ZIP64_OFFSET',
  'LOCAL_MISMATCH',
  'DUPLICATE_NAME',
  'CASE_COLLISION',
  'CASE_COLLISION.COMPOSITION',
  'CASE_COLLISION.CASE_AND_COMPOSITION',
  'FILE_AND_FOLDER',
  'FILE_AND_FOLDER_CASE',
  'ENCRYPTED',
  'UNSUPPORTED_METHOD',
  'UNSUPPORTED_METHOD.UNKNOWN',
  'DISGUISED_NAME',
  'WINDOWS_NAME',
  'TOO_LARGE',
  // What is off about the archive as a whole (ArchiveNoteView, a Test or Extract job's notes too).
  'DIRECTORY_SLACK',
  'DIRECTORY_SIGNATURE',
  'DIRECTORY_GAP',
  'UNCOUNTED_PREFIX',
  'OFFSETS_TOO_LARGE',
  'DIRECTORY_MOVED',
  'DIRECTORY_SIZE',
  'ZIP64_END_IGNORED',
  'COUNT_DIFFERS',
  'BYTES_BEFORE_EMPTY',
  'ZIP64_END_MOVED',
  'TRAILING_DATA',
  'NAMES_GUESSED',
] as const;

export type SafetyWording = (typeof SAFETY_WORDINGS)[number];

export interface SafetyView {
  /** 'ok' when nothing is off; otherwise the worst problem's severity. */
  readonly verdict: 'ok' | 'warning' | 'danger';
  readonly entryCount: number;
  readonly totalUncompressed: number;
  readonly totalCompressed: number;
  /** Highest uncompressed/compressed ratio of any entry, and which. */
  readonly maxRatio: number;
  readonly maxRatioEntry: string | null;
  readonly problems: readonly SafetyProblem[];
  /** Findings not in `problems`: each kind lists its first 1,000 and counts the rest here. */
  readonly unlisted: number;
}

export interface ArchiveReport {
  readonly endRecords: readonly RecordView[];
  readonly safety: SafetyView;
}

// ---------------------------------------------------------------------------------------------
// Jobs

export type JobKind = 'create' | 'batch' | 'extract' | 'test';
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type OverwritePolicy = 'skip' | 'replace' | 'rename';

export interface JobProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly entriesDone: number;
  readonly entriesTotal: number;
  readonly currentEntry: string | null;
  readonly bytesPerSecond: number;
  /** Seconds left, or null while unknown. */
  readonly etaSeconds: number | null;
  /** The totals are still being counted (the files to zip are still being found): no percentage yet. */
  readonly counting: boolean;
}

export interface JobOutcome {
  /** The archive written or the folder extracted to; null for a test. */
  readonly output: string | null;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly entries: number;
  readonly durationMs: number;
  /**
   * What a user should know of a job that did what it was asked: entries skipped or renamed,
   * names that matched nothing, paths a create left out; a line each. (A test or extract that met
   * bad entries fails: JobView.errorLines.)
   */
  readonly problems: readonly JobProblem[];
  /**
   * What a test or an extract read around in the archive as a whole (data before or after it,
   * bytes in its directory…), as the safety report lists it: the window words each by its code.
   */
  readonly notes: readonly ArchiveNoteView[];
}

/**
 * What is wrong with an entry (or a job): in English, with its code (and kind, for a code said in
 * more than one way) and the values it is made of, which the window words in the user's language
 * when its catalog has the code (`problem.CODE.KIND`, or the safety report's wording of the same
 * problem); else as main says it.
 */
export interface JobProblem {
  readonly entry: string | null;
  readonly message: string;
  readonly code?: string;
  readonly kind?: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** Why a job failed, as JobView.error says it in English: what it was about, and the problem. */
export interface JobFailure {
  /** The archive tested or extracted, or the archive a create writes; null for a job whose background worker stopped, which is said without it. */
  readonly target: string | null;
  readonly problem: JobProblem;
  /** A test or extract failed by bad entries: `problem` is the first; how many were bad, of how many. */
  readonly badEntries: { readonly count: number; readonly total: number } | null;
}

/** A note about the archive as a whole: in English, with its code and the numbers it is made of, for a wording in another language. */
export interface ArchiveNoteView {
  readonly code: string;
  readonly message: string;
  readonly params: Readonly<Record<string, number>>;
}

/** What the jobs panel shows for one job; rebuilt by folding JobEvents. */
export interface JobView {
  readonly jobId: string;
  readonly kind: JobKind;
  /** "photos → photos.zip", "Test report.zip". */
  readonly title: string;
  readonly state: JobState;
  readonly progress: JobProgress | null;
  /** A done job's; or what an extract that failed by bad entries did all the same (the files it wrote stay). */
  readonly outcome: JobOutcome | null;
  readonly error: string | null;
  /** The same, with what the window words it by; null for a failure said in English alone (a crash of the worker). */
  readonly failure: JobFailure | null;
  /** A test or extract failed by bad entries: a line each (at most 50, the last counting the rest); else empty. */
  readonly errorLines: readonly JobProblem[];
  /** A test or extract failed by bad entries: what is off about the archive as a whole, as JobOutcome.notes; else empty. */
  readonly errorNotes: readonly ArchiveNoteView[];
  readonly queuedAt: number;
  /** The batch a job of a batch belongs to (its folders queued together), which the Jobs panel says ended once for all. */
  readonly batchId?: string;
}

export type JobEvent =
  | { readonly type: 'queued'; readonly job: JobView }
  | { readonly type: 'started'; readonly jobId: string; readonly at: number }
  | { readonly type: 'progress'; readonly jobId: string; readonly progress: JobProgress }
  | { readonly type: 'done'; readonly jobId: string; readonly outcome: JobOutcome }
  | {
      readonly type: 'failed';
      readonly jobId: string;
      readonly error: ApiError;
      readonly failure: JobFailure | null;
      readonly lines: readonly JobProblem[];
      readonly notes: readonly ArchiveNoteView[];
      readonly outcome: JobOutcome | null;
    }
  | { readonly type: 'cancelled'; readonly jobId: string };

export interface ExtractRequest {
  readonly archiveId: string;
  /** Entry indexes, or null for all. */
  readonly entries: readonly number[] | null;
  /** Null: main asks the user for a folder. */
  readonly outputDir: string | null;
  readonly overwrite: OverwritePolicy;
}

export interface BatchRequest {
  readonly folders: readonly string[];
  /** Null: each FOLDER.zip goes beside its folder. */
  readonly outputDir: string | null;
  /** Deflate level 0–9. */
  readonly level: number;
}

// ---------------------------------------------------------------------------------------------
// Files, the shell and commands from the menu

export type PathKind = 'folder' | 'zip' | 'other' | 'missing';

export interface ClassifiedPath {
  readonly path: string;
  readonly kind: PathKind;
}

/** Menu items that act on what the window shows; main sends them, the renderer performs them. */
export type MenuCommand = 'open-archive' | 'new-archive-from-folders' | 'extract-all' | 'test-archive';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

// ---------------------------------------------------------------------------------------------
// The methods: each one's arguments (a tuple) and its result. The preload and the IPC handlers
// are both typed from this table, so they cannot drift apart.

export interface InvokeMethods {
  /** Ask the user for an archive with the native dialog; null when cancelled. */
  chooseArchive: { args: []; result: string | null };
  /**
   * `nameEncoding`: a code page for names not flagged UTF-8 (a label zip/names.ts codePageOf
   * reads), or null: the code page last chosen for this archive, if any, else the usual reading.
   * `chosen`: the user chose `nameEncoding` under Names just now; main remembers it for this
   * archive (null: the usual reading, remembered by forgetting the choice).
   */
  openArchive: { args: [path: string, nameEncoding: string | null, chosen: boolean]; result: ArchiveSummary };
  closeArchive: { args: [archiveId: string]; result: void };
  listEntries: { args: [archiveId: string, start: number, count: number]; result: EntryPage };
  inspectEntry: { args: [archiveId: string, index: number]; result: EntryInspection };
  archiveReport: { args: [archiveId: string]; result: ArchiveReport };
  /** Ask the user for folders to zip (New Archive from Folders…); [] when cancelled. */
  chooseFolders: { args: []; result: string[] };
  enqueueBatch: { args: [request: BatchRequest]; result: string[] };
  /** Null when the user cancelled the folder dialog. */
  extract: { args: [request: ExtractRequest]; result: string | null };
  test: { args: [archiveId: string]; result: string };
  cancelJob: { args: [jobId: string]; result: boolean };
  listJobs: { args: []; result: JobView[] };
  /** Show a job's output in the file manager (only paths that a job produced or opened). */
  revealPath: { args: [path: string]; result: void };
  classifyPaths: { args: [paths: string[]]; result: ClassifiedPath[] };
  /** Send a record from the window to main's logger. */
  log: { args: [level: LogLevel, message: string, meta: Record<string, string | number | boolean | null>]; result: void };
}

export type InvokeMethod = keyof InvokeMethods;

export const INVOKE_METHODS = [
  'chooseArchive',
  'openArchive',
  'closeArchive',
  'listEntries',
  'inspectEntry',
  'archiveReport',
  'chooseFolders',
  'enqueueBatch',
  'extract',
  'test',
  'cancelJob',
  'listJobs',
  'revealPath',
  'classifyPaths',
  'log',
] as const satisfies readonly InvokeMethod[];

/** The channel each method travels on. */
export const INVOKE_CHANNELS = {
  chooseArchive: 'zipdesk:chooseArchive',
  openArchive: 'zipdesk:openArchive',
  closeArchive: 'zipdesk:closeArchive',
  listEntries: 'zipdesk:listEntries',
  inspectEntry: 'zipdesk:inspectEntry',
  archiveReport: 'zipdesk:archiveReport',
  chooseFolders: 'zipdesk:chooseFolders',
  enqueueBatch: 'zipdesk:enqueueBatch',
  extract: 'zipdesk:extract',
  test: 'zipdesk:test',
  cancelJob: 'zipdesk:cancelJob',
  listJobs: 'zipdesk:listJobs',
  revealPath: 'zipdesk:revealPath',
  classifyPaths: 'zipdesk:classifyPaths',
  log: 'zipdesk:log',
} as const satisfies { readonly [M in InvokeMethod]: `zipdesk:${M}` };

/**
 * The preload's own message, not a method of window.zipdesk: the paths of files really dropped
 * on the window (webUtils), which main then lets the page name (src-main/ipc/grants.ts).
 */
export const GRANT_DROPPED_PATHS_CHANNEL = 'zipdesk:internal:grant-dropped-paths';

/** Events main sends to the window. */
export interface WindowEvents {
  jobEvent: JobEvent;
  /** A .zip given on the command line, by the OS (open-file, second instance) or Open Recent. */
  openArchive: string;
  menuCommand: MenuCommand;
}

export type WindowEvent = keyof WindowEvents;

export const EVENT_CHANNELS = {
  jobEvent: 'zipdesk:event:job',
  openArchive: 'zipdesk:event:open-archive',
  menuCommand: 'zipdesk:event:menu-command',
} as const satisfies Record<WindowEvent, string>;

export type Unsubscribe = () => void;

/** `window.zipdesk`: named methods only, no generic invoke. */
export type ZipdeskApi = {
  readonly [M in InvokeMethod]: (...args: InvokeMethods[M]['args']) => Promise<Result<InvokeMethods[M]['result']>>;
} & {
  /** Paths of files dropped on the window (Electron's webUtils.getPathForFile; File.path is gone). */
  readonly pathsForDroppedFiles: (files: readonly File[]) => string[];
  readonly onJobEvent: (listener: (event: JobEvent) => void) => Unsubscribe;
  readonly onOpenArchive: (listener: (path: string) => void) => Unsubscribe;
  readonly onMenuCommand: (listener: (command: MenuCommand) => void) => Unsubscribe;
};

