// What the app says happened, for screen readers: one polite live region (in App.svelte) that
// any component adds a sentence to. Each sentence is a new line in the region (the last few are
// kept), so two said at once are both read; visible outcomes stay where they are.

type Line = { id: number; text: string };

let lines = $state<Line[]>([]);
let serial = 0;
const KEEP = 3;

/** The sentences the live region holds now, oldest first. */
export function announced(): Line[] {
  return lines;
}

/** Says `text` to assistive technology (also when it repeats the last sentence). */
export function announce(text: string): void {
  lines = [...lines, { id: ++serial, text }].slice(-KEEP);
}
