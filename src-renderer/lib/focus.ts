// Where the keyboard goes when what held it is gone: a button that removed itself (Close archive,
// Open archive… on the empty window) left the focus on the page's body, and the next Tab started
// again from the top of the window.

import { tick } from 'svelte';

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

/**
 * An attachment ({@attach passFocusOnRemoval(() => card)}) for a control that goes away by
 * itself while it may have the focus (a job's Cancel, once the job has ended): the focus goes to
 * what `next` gives, after the update that removed the control (which may also move `next`),
 * rather than to the page's body.
 */
export function passFocusOnRemoval(next: () => HTMLElement | undefined): (element: HTMLElement) => () => void {
  return (element) => {
    let focused = element === document.activeElement;
    const onFocus = () => (focused = true);
    // Chromium fires a blur at a focused element as it is removed (some versions did not): a
    // blur after which the element is still in the page is one to another place.
    const onBlur = () =>
      queueMicrotask(() => {
        if (element.isConnected) focused = false;
      });
    element.addEventListener('focus', onFocus);
    element.addEventListener('blur', onBlur);
    return () => {
      element.removeEventListener('focus', onFocus);
      element.removeEventListener('blur', onBlur);
      if (!focused) return;
      void tick().then(() => {
        const target = next();
        if (target) takeLostFocus(target);
      });
    };
  };
}
