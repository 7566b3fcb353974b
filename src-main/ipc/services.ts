// What the IPC handlers stand on: the services of the main process, as interfaces. main.ts
// builds them from the reader, the job client and Electron's dialogs and shell; the end-to-end
// harness builds the same ones with its own dialogs (the user's choice made in advance) and a
// recording shell. Nothing here imports electron, so the handlers run under plain Node.

import type {
  ArchiveReport,
  ArchiveSummary,
  EntryInspection,
  EntryPage,
  JobEvent,
  JobView,
  LogLevel,
  OverwritePolicy,
  Unsubscribe,
} from '../../src-preload/contract.js';
import type { ArchiveIdentity } from '../jobs/protocol.js';
import type { Log } from '../log/types.js';
import type { PathGrants } from './grants.js';

/** Archives open in the window: read in the main process, without the queue (STYLE). */
export interface ArchiveService {
  /** `nameEncoding`: the code page of names not flagged UTF-8 (a label zip/names.ts codePageOf reads), or null. */
  open(path: string, nameEncoding: string | null): Promise<ArchiveSummary>;
  close(archiveId: string): Promise<void>;
  /** The path an open archive came from; rejects NOT_FOUND for an unknown id. */
  pathOf(archiveId: string): string;
  /** The file as it was opened (a job over it refuses it once replaced or changed); rejects NOT_FOUND for an unknown id. */
  identityOf(archiveId: string): ArchiveIdentity;
  /** The code page its names not flagged UTF-8 are read in (its name), or undefined; rejects NOT_FOUND for an unknown id. */
  nameEncodingOf(archiveId: string): string | undefined;
  list(archiveId: string, start: number, count: number): Promise<EntryPage>;
  inspect(archiveId: string, index: number): Promise<EntryInspection>;
  report(archiveId: string): Promise<ArchiveReport>;
  /**
   * Entries by index as ranges (pairs of first and end, ascending; see indexRanges), or null for
   * all of them; throws NOT_FOUND for an index the archive lacks.
   */
  entryRanges(archiveId: string, indexes: readonly number[]): number[] | null;
  /** Paths of every archive opened in this session (what revealPath may show). */
  openedPaths(): readonly string[];
  /** How many archives are open now. */
  openCount(): number;
  closeAll(): Promise<void>;
}

/** The job queue as the window sees it: requests in, contract events out. */
export interface JobService {
  batch(folders: readonly string[], outputDir: string | null, level: number): Promise<string[]>;
  /** `entries` are names exactly as stored (a name ending in / selects what is under it); null for all. */
  /** `entryRanges`: the entries by index (ArchiveService.entryRanges), null for all. */
  extract(archivePath: string, entryRanges: readonly number[] | null, outputDir: string, overwrite: OverwritePolicy, archiveIdentity?: ArchiveIdentity, nameEncoding?: string): Promise<string>;
  test(archivePath: string, archiveIdentity?: ArchiveIdentity, nameEncoding?: string): Promise<string>;
  cancel(jobId: string): Promise<boolean>;
  list(): JobView[];
  onEvent(listener: (event: JobEvent) => void): Unsubscribe;
}

/** The code pages chosen for archives, by path (NameChoices). */
export interface NameChoiceStore {
  get(archive: string): string | undefined;
  /** null forgets the archive's choice. */
  set(archive: string, encoding: string | null): void;
}

/** The questions only the user can answer. */
export interface Dialogs {
  chooseArchive(): Promise<string | null>;
  chooseExtractFolder(archiveName: string): Promise<string | null>;
  chooseFolders(): Promise<string[]>;
}

export interface ShellService {
  showItemInFolder(path: string): void;
}

export interface Services {
  readonly archives: ArchiveService;
  readonly jobs: JobService;
  readonly dialogs: Dialogs;
  readonly shell: ShellService;
  readonly log: Log;
  /** The paths the user gave the window; every path argument must be one of them. */
  readonly grants: PathGrants;
  /** A record the window sent (logging issue: renderer records reach main's logger). */
  readonly logRecord: (level: LogLevel, message: string, meta: Record<string, string | number | boolean | null>) => void;
  /** The code page chosen under Names for each archive (name-choices.ts); without it, none is remembered. */
  readonly nameChoices?: NameChoiceStore;
  /** Called for every archive the user opened (Open Recent, the OS's recent documents). */
  readonly opened?: (path: string) => void;
  /** Called when the window closed an archive, with how many it still has open (the menu's Extract All and Test Archive). */
  readonly closed?: (stillOpen: number) => void;
}
