// The titles the header inspector gives records and extra fields, each by a code (RECORD_TITLES
// in the contract) that the window words in the user's language (its catalog's `record.CODE`);
// `zipdesk inspect` says them as they are here, in English. The names of fields stay APPNOTE's.

import {
  CENTRAL_DIRECTORY_HEADER,
  DATA_DESCRIPTOR,
  DATA_DESCRIPTOR_UNSIGNED,
  DATA_DESCRIPTOR_ZIP64,
  DATA_DESCRIPTOR_ZIP64_UNSIGNED,
  DIGITAL_SIGNATURE,
  END_OF_CENTRAL_DIRECTORY,
  EXTRA_EXTENDED_TIMESTAMP,
  EXTRA_INFOZIP_UNICODE_COMMENT,
  EXTRA_INFOZIP_UNICODE_PATH,
  EXTRA_INFOZIP_UNIX_2,
  EXTRA_INFOZIP_UNIX_NEW,
  EXTRA_INFOZIP_UNIX_OLD,
  EXTRA_NTFS,
  EXTRA_PKWARE_UNIX,
  EXTRA_WINZIP_AES,
  EXTRA_ZIP64,
  LOCAL_FILE_HEADER,
  ZIP64_END_OF_CENTRAL_DIRECTORY,
  ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR,
} from './records.js';

/** Each title by its code. */
export const RECORD_TITLE_ENGLISH = {
  LOCAL_FILE_HEADER: LOCAL_FILE_HEADER.title,
  CENTRAL_DIRECTORY_HEADER: CENTRAL_DIRECTORY_HEADER.title,
  DIGITAL_SIGNATURE: DIGITAL_SIGNATURE.title,
  END_OF_CENTRAL_DIRECTORY: END_OF_CENTRAL_DIRECTORY.title,
  ZIP64_END_OF_CENTRAL_DIRECTORY: ZIP64_END_OF_CENTRAL_DIRECTORY.title,
  ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR: ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.title,
  DATA_DESCRIPTOR: DATA_DESCRIPTOR.title,
  DATA_DESCRIPTOR_UNSIGNED: DATA_DESCRIPTOR_UNSIGNED.title,
  DATA_DESCRIPTOR_ZIP64: DATA_DESCRIPTOR_ZIP64.title,
  DATA_DESCRIPTOR_ZIP64_UNSIGNED: DATA_DESCRIPTOR_ZIP64_UNSIGNED.title,
  EXTRA_ZIP64: EXTRA_ZIP64.title,
  EXTRA_EXTENDED_TIMESTAMP: EXTRA_EXTENDED_TIMESTAMP.title,
  EXTRA_INFOZIP_UNIX_OLD: EXTRA_INFOZIP_UNIX_OLD.title,
  EXTRA_INFOZIP_UNIX_NEW: EXTRA_INFOZIP_UNIX_NEW.title,
  EXTRA_INFOZIP_UNIX_2: EXTRA_INFOZIP_UNIX_2.title,
  EXTRA_INFOZIP_UNICODE_PATH: EXTRA_INFOZIP_UNICODE_PATH.title,
  EXTRA_INFOZIP_UNICODE_COMMENT: EXTRA_INFOZIP_UNICODE_COMMENT.title,
  EXTRA_NTFS: EXTRA_NTFS.title,
  EXTRA_PKWARE_UNIX: EXTRA_PKWARE_UNIX.title,
  EXTRA_WINZIP_AES: EXTRA_WINZIP_AES.title,
  /** An extra field whose id we do not know; `EXTRA_UNKNOWN_CUT` is the same one cut short (CUT_SHORT after it). */
  EXTRA_UNKNOWN: 'unknown extra field',
  EXTRA_UNKNOWN_CUT: 'unknown',
  /** Bytes at the extra field area's end too few to hold a field's header. */
  TRAILING_BYTES: 'trailing bytes',
} as const;

export type RecordTitleCode = keyof typeof RECORD_TITLE_ENGLISH;

/** What is said after the title of an extra field that runs past the extra field area. */
export const CUT_SHORT = ' (runs past the extra field area)';

const CODES: ReadonlyMap<string, RecordTitleCode> = new Map(Object.entries(RECORD_TITLE_ENGLISH).map(([code, title]) => [title, code as RecordTitleCode]));

/** A title's code, and whether it says its field is cut short; undefined for a title that has none. */
export function titleCodeOf(title: string): { readonly code: RecordTitleCode; readonly cutShort: boolean } | undefined {
  const cutShort = title.endsWith(CUT_SHORT);
  const code = CODES.get(cutShort ? title.slice(0, -CUT_SHORT.length) : title);
  return code === undefined ? undefined : { code, cutShort };
}
