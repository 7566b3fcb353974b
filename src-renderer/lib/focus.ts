// Where the keyboard goes when what held it is gone: a button that removed itself (Close archive,
// Open archive… on the empty window) left the focus on the page's body, and the next Tab started
// again from the top of the window.

/** An attachment ({@attach takeLostFocus}): focus this element if nothing else has the focus. */
export function takeLostFocus(element: HTMLElement): void {
  const active = document.activeElement;
  if (active === null || active === document.body) element.focus();
}

/**
 * For a control that removes itself (a notice's ✕): the focus goes to the listing, or with no
 * archive open to the toolbar's first button, rather than to the page's body.
 */
export function focusMainView(): void {
  (document.getElementById('listing') ?? document.querySelector<HTMLElement>('.toolbar button'))?.focus();
}
