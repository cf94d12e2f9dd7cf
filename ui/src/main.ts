// Entry point of the web UI: mounts the app into #app.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { startEarly } from './lib/prefetch';

// Before the first layout: on Linux the UI font is fontconfig's sans-serif (see app.css).
if (/Linux/.test(navigator.userAgent) && !/Android/.test(navigator.userAgent)) {
  document.documentElement.dataset.os = 'linux';
}

// The first requests leave before the page renders.
startEarly();

const app = mount(App, { target: document.getElementById('app')! });
performance.mark('mounted');

export default app;
