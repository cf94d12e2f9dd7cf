// Tells the shell, once, that the first queue list is on screen: the start-up benchmark waits for
// this mark, and the page's own timeline (script, status, listed, painted) goes with it.
import { api } from './api';

let reported = false;

/** Reports the first list after the next two frames (so "painted" is after the paint), then
    runs `afterwards` (loading what the first click will need). */
export function reportReady(afterwards: () => void) {
  if (reported) return;
  reported = true;
  setTimeout(afterwards, 50);
  const listed = performance.now();
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const marks: Record<string, number> = { listed, painted: performance.now() };
      for (const m of performance.getEntriesByType('mark')) marks[m.name] = m.startTime;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      if (nav) marks.dom_loaded = nav.domContentLoadedEventEnd;
      if (nav) marks.html_loaded = nav.responseEnd;
      void api.appReady(marks).catch(() => {});
    }),
  );
}
