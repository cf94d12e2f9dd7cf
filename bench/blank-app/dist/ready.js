// Tells the shell the page is painted (two animation frames after load), like SQS Pilot's list.
window.addEventListener('load', () =>
  requestAnimationFrame(() => requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke('ready', { painted: performance.now() }))),
);
