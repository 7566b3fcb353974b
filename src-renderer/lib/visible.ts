// Names from archives (and paths) as the window shows them. No imports: i18n.ts uses it too.

/**
 * A name as the window shows it: controls, bidirectional marks, overrides and isolates, and
 * characters that show as nothing made visible as \u202e (a line feed as \u000a, a tag as
 * \u{e0041}), so that "invoice\u202Efdp.exe" cannot show as "invoiceexe.pdf", "a\u200Bb.txt" as
 * "ab.txt", nor a name break a line or reorder the sentence it is quoted in.
 */
export function visibleText(text: string): string {
  return text.replace(HIDDEN, (char) => {
    const code = char.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * The set main's safety report warns of (src-main/zip/paths.ts DISGUISING): controls, DEL, the
 * bidirectional marks, overrides and isolates; the zero-width space, soft hyphen, byte order mark,
 * word joiner and invisible operators, Mongolian vowel separator, line and paragraph separators
 * and tags; and a zero-width joiner, except where it changes what is shown: between two
 * pictographs (an emoji sequence, "👨‍👩‍👧"), after a virama (a half form, "क्‍ष"), beside a letter of
 * the joining scripts (Arabic, Syriac, N'Ko, Mongolian).
 */
const HIDDEN =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u{e0000}-\u{e007f}]|(?<!\p{Extended_Pictographic}[\u{1f3fb}-\u{1f3ff}\ufe0f]?)(?<![\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d4d\u0dca\u1039\u103a\u17d2\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}])\u200d(?![\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}])|(?<=\p{Extended_Pictographic}[\u{1f3fb}-\u{1f3ff}\ufe0f]?)\u200d(?!\p{Extended_Pictographic})/gu;
