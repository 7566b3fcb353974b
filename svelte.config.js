// Svelte 5 with runes everywhere (STYLE: no `export let`, `on:click` or stores).
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
};
