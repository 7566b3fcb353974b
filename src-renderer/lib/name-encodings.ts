// The code pages the window offers for names not flagged UTF-8 (the listing's footer): those of
// Windows' languages, by the names main reads them under (openArchive's nameEncoding; main's
// zip/names.ts codePageOf takes these and more). Each has its words in the catalog (i18n.ts).

export const NAME_ENCODINGS = ['shift_jis', 'gbk', 'big5', 'euc-kr', 'ibm866', 'windows-1251', 'koi8-r', 'windows-1250', 'cp852', 'windows-1252', 'cp850', 'windows-1253', 'cp737', 'windows-1254', 'cp857', 'windows-1255', 'cp862', 'windows-1256', 'cp720', 'windows-1257', 'cp775', 'windows-1258', 'windows-874', 'cp437'] as const;

export type NameEncodingChoice = (typeof NAME_ENCODINGS)[number];

/**
 * The code page Windows writes names in (its "OEM" code page) for a language (a BCP 47 tag, as
 * navigator.language gives it), which the window offers beside names of unknown encoding; null
 * where that is DOS's 437 (US English) or not known here. What Windows' own zip folders and most
 * Windows tools wrote before UTF-8, and what 7-Zip reads such names in there by default.
 */
export function systemNameEncoding(language: string | undefined): NameEncodingChoice | null {
  const tag = (language ?? '').toLowerCase();
  const [primary = '', ...rest] = tag.split(/[-_]/);
  if (primary === 'zh') return rest.some((part) => ['tw', 'hk', 'mo', 'hant'].includes(part)) ? 'big5' : 'gbk';
  if (primary === 'en') return rest.length === 0 || rest.includes('us') ? null : 'cp850';
  return OEM_CODE_PAGES.get(primary) ?? null;
}

/** Languages by their primary subtag. */
const OEM_CODE_PAGES = new Map<string, NameEncodingChoice>([
  ...each(['ja'], 'shift_jis'),
  ...each(['ko'], 'euc-kr'),
  ...each(['ru', 'uk', 'be', 'bg', 'kk', 'ky', 'tg', 'tt', 'mn'], 'ibm866'),
  ...each(['pl', 'cs', 'sk', 'hu', 'sl', 'hr', 'ro', 'bs', 'sq'], 'cp852'),
  ...each(['de', 'fr', 'es', 'it', 'nl', 'pt', 'da', 'sv', 'fi', 'nb', 'nn', 'no', 'is', 'ca', 'eu', 'gl', 'ga', 'lb', 'af'], 'cp850'),
  ...each(['el'], 'cp737'),
  ...each(['tr', 'az'], 'cp857'),
  ...each(['he'], 'cp862'),
  ...each(['ar', 'fa', 'ur'], 'cp720'),
  ...each(['lt', 'lv', 'et'], 'cp775'),
  ...each(['th'], 'windows-874'),
  ...each(['vi'], 'windows-1258'),
]);

function each(languages: readonly string[], encoding: NameEncodingChoice): [string, NameEncodingChoice][] {
  return languages.map((language) => [language, encoding]);
}
