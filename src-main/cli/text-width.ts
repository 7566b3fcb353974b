// How many columns of a terminal a text takes, for what must fit the terminal's width (the
// progress bar) or line up in columns (inspect's side by side). A character a line is not a
// column a character: CJK and fullwidth characters and emoji take two, combining marks, joiners
// and variation selectors none, so `.length` made a bar of CJK names wrap (and each redraw then
// left the wrapped part behind) and pushed inspect's right column out of line. Counted by
// grapheme cluster (an emoji sequence, a letter with its accents), as terminals draw them; the
// wide ranges are East Asian Width W and F, as wcwidth has them.

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Clusters that take no column: marks, format characters (zero-width space, joiners, bidi marks), controls. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u;
/** Emoji drawn as pictures: presentation by default, or asked for by variation selector 16. */
const EMOJI = /\p{Emoji_Presentation}|\ufe0f/u;

const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1b000, 0x1b2ff],
  [0x1f200, 0x1f251],
  [0x20000, 0x3fffd],
];

function isWide(code: number): boolean {
  return WIDE_RANGES.some(([from, to]) => code >= from && code <= to);
}

/** The columns one grapheme cluster takes: 0, 1 or 2. */
function clusterWidth(cluster: string): number {
  const first = cluster.codePointAt(0)!;
  if (first < 0x7f) return first >= 0x20 ? 1 : 0;
  if (ZERO_WIDTH.test(cluster)) return 0;
  return isWide(first) || EMOJI.test(cluster) ? 2 : 1;
}

/** The columns `text` takes on a terminal. */
export function displayWidth(text: string): number {
  // ASCII (most names) is a column a character.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += clusterWidth(segment);
  return width;
}

/** `text` in at most `width` columns, keeping its end (a path's file name): `…` and the last clusters that fit. */
export function fitEnd(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  const clusters = [...graphemes.segment(text)].map(({ segment }) => segment);
  let kept = '';
  let used = 1; // the "…"
  for (let i = clusters.length - 1; i >= 0; i--) {
    const taken = clusterWidth(clusters[i]!);
    if (used + taken > width) break;
    kept = clusters[i]! + kept;
    used += taken;
  }
  return '…' + kept;
}

/** How many characters of a cell fitStart measures at most (a cell is some 64 columns wide). */
const MEASURED = 1024;

/** `text` in exactly `width` columns: padded with spaces, or cut with `…` at its end. */
export function fitStart(text: string, width: number): string {
  // Only what can be shown is measured: an extra field of 16,383 sub-fields is a cell of some
  // 450,000 characters, which Intl.Segmenter took minutes to walk (inspect of a 32 KB archive
  // ran 447 s, deaf to Ctrl-C). Past MEASURED characters a cell is cut whatever they are (only
  // characters of no width would let more of it show).
  const long = text.length > MEASURED;
  if (long) text = text.slice(0, MEASURED);
  const shown = displayWidth(text);
  if (!long && shown <= width) return text + ' '.repeat(width - shown);
  let kept = '';
  let used = 1; // the "…"
  for (const { segment } of graphemes.segment(text)) {
    const taken = clusterWidth(segment);
    if (used + taken > width) break;
    kept += segment;
    used += taken;
  }
  return kept + '…' + ' '.repeat(Math.max(0, width - used));
}
