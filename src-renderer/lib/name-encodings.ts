// The code pages the window offers for names not flagged UTF-8 (the listing's footer): those of
// Windows' languages, by the names main reads them under (openArchive's nameEncoding; main's
// zip/names.ts codePageOf takes these and more). Each has its words in the catalog (i18n.ts).

export const NAME_ENCODINGS = ['shift_jis', 'gbk', 'big5', 'euc-kr', 'ibm866', 'windows-1251', 'koi8-r', 'windows-1250', 'cp852', 'windows-1252', 'cp850', 'windows-1253', 'cp737', 'windows-1254', 'cp857', 'windows-1255', 'cp862', 'windows-1256', 'cp720', 'windows-1257', 'cp775', 'windows-1258', 'windows-874', 'cp437'] as const;

export type NameEncodingChoice = (typeof NAME_ENCODINGS)[number];
