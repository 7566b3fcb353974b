// The renderer's entry: mount App. Errors that escape Svelte (a failed mount, an unhandled
// rejection) still end as a readable message in the page, never a blank window (issue 5).
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { reportFatal } from './lib/fatal.js';
import { locale } from './lib/i18n.js';

// The page's language is the window's (index.html says "en"): a screen reader speaks German
// text as German only when the page says it is.
document.documentElement.lang = locale;
const target = document.getElementById('app')!;
window.addEventListener('error', (event) => reportFatal(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => reportFatal(event.reason));
try {
  mount(App, { target });
} catch (error) {
  reportFatal(error);
}
