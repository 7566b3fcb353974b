// Which rows of the listing are in the DOM, and where (virtual scrolling). Rows have one height;
// only those in view, and a few on each side, are rendered. A browser makes no element taller
// than some 33.5 million px (Chromium: 2^25, about 1.29 million rows of 26 px; the rows past
// that could not be scrolled to), so the scrolled body is capped at MAX_BODY_HEIGHT, and past it
// a pixel of scrolling moves the list by more than a pixel: the list's own offset is the
// scroll position scaled so that the top of the body shows the first row and its end the last.

/** Well under every engine's largest element. */
export const MAX_BODY_HEIGHT = 16_000_000;

export interface RowGeometry {
  readonly rowCount: number;
  readonly rowHeight: number;
  readonly viewportHeight: number;
  /** The cap of the body's height (tests use a small one). */
  readonly maxBodyHeight?: number;
}

export interface RowWindow {
  /** The height of the scrolled body: the list's, capped. */
  readonly bodyHeight: number;
  /** The first row rendered, and one past the last. */
  readonly first: number;
  readonly last: number;
  /** Where in the body the first rendered row goes (px). */
  readonly top: number;
}

function heights({ rowCount, rowHeight, viewportHeight, maxBodyHeight = MAX_BODY_HEIGHT }: RowGeometry): { list: number; body: number; scale: number } {
  const list = rowCount * rowHeight;
  const body = Math.min(list, maxBodyHeight);
  // List pixels per body pixel of scrolling (both scroll ranges end with the last row at the bottom).
  const scale = list > body && body > viewportHeight ? (list - viewportHeight) / (body - viewportHeight) : 1;
  return { list, body, scale };
}

/** The list's offset (px from its first row) at the body's `scrollTop`. */
export function listOffset(scrollTop: number, geometry: RowGeometry): number {
  return scrollTop * heights(geometry).scale;
}

/**
 * The body's scrollTop that shows the list from `offset`; rounded `up` or down (a browser keeps
 * whole pixels, and a body pixel is `scale` list pixels: the row to reveal must not fall short).
 */
export function scrollTopFor(offset: number, geometry: RowGeometry, up = false): number {
  const exact = offset / heights(geometry).scale;
  return up ? Math.ceil(exact) : Math.floor(exact);
}

/** The rows to render at `scrollTop`, `overscan` more on each side, and where they go. */
export function rowWindow(scrollTop: number, geometry: RowGeometry, overscan: number): RowWindow {
  const { rowCount, rowHeight, viewportHeight } = geometry;
  const { body, scale } = heights(geometry);
  const offset = scrollTop * scale;
  const first = Math.max(0, Math.floor(offset / rowHeight) - overscan);
  const last = Math.min(rowCount, Math.ceil((offset + viewportHeight) / rowHeight) + overscan);
  // Row r shows at r·rowHeight − offset below the top of the view, which is scrollTop in the body.
  return { bodyHeight: body, first, last, top: scrollTop + first * rowHeight - offset };
}
