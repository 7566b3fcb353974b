// Names from archives (and paths) as the window shows them. No imports: i18n.ts uses it too.

/**
 * A name as the window shows it: controls and bidirectional marks, overrides and isolates made
 * visible as \u202e (a line feed as \u000a), so that "invoice\u202Efdp.exe" cannot show as
 * "invoiceexe.pdf", nor a name break a line or reorder the sentence it is quoted in.
 */
export function visibleText(text: string): string {
  return text.replace(HIDDEN, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
