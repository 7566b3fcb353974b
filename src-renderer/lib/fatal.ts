// The last line of defence against a blank window: if something breaks outside a Svelte
// boundary, write a plain message into the page (text only, no HTML) and tell main's log.

import { ApiFailure } from './api.js';
import { problemText, t } from './i18n.js';

/** An error in words: one from main in the window's language where main said what it is made of. */
export function describeError(error: unknown): string {
  if (error instanceof ApiFailure) return problemText({ entry: null, ...error.apiError });
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

export function reportFatal(error: unknown): void {
  const message = describeError(error);
  const zipdesk = (window as { zipdesk?: { log?: (level: string, message: string, meta: object) => unknown } }).zipdesk;
  void zipdesk?.log?.('error', 'renderer error', { message });
  const app = document.getElementById('app');
  if (app && app.childElementCount > 0) {
    // The app is alive: show it as a notice instead of replacing the page.
    window.dispatchEvent(new CustomEvent('zipdesk:notice', { detail: message }));
    return;
  }
  const box = document.createElement('div');
  box.className = 'fatal';
  box.setAttribute('role', 'alert');
  const title = document.createElement('h1');
  title.textContent = t('fatal.title');
  const text = document.createElement('p');
  text.textContent = message;
  box.append(title, text);
  document.body.replaceChildren(box);
}
