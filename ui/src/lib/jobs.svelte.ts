// Long jobs that outlive the dialog or the tab that started them — moving messages to another
// queue, a poll while the user looks at another tab — listed in the sidebar with their progress
// and Stop, wherever the user goes. A finished job's report stays there until read, unless the
// user saw it where the job started. (Imports have their own list: ./imports.svelte.ts.)
import { api } from './api';

export type Job = {
  id: string;
  /** "Moving 3,000 messages to orders". */
  label: string;
  done: number;
  total: number;
  running: boolean;
  /** Set when it ends: what happened, in a sentence. */
  report: string | null;
  /** The report is a failure (or partly one). */
  failed: boolean;
};

const jobs: Job[] = $state([]);

/** Registers a running job; the returned object is the kept (reactive) one: update `done` on it. */
export function startJob(label: string, total: number, id: string = crypto.randomUUID()): Job {
  jobs.push({ id, label, done: 0, total, running: true, report: null, failed: false });
  return jobs[jobs.length - 1];
}

/** The job has ended: its report waits in the sidebar until read (or `seen`: it is dropped). */
export function finishJob(job: Job, report: string, failed: boolean, seen: boolean) {
  job.running = false;
  job.report = report;
  job.failed = failed;
  if (seen) dismissJob(job);
}

export function dismissJob(job: Job) {
  const i = jobs.findIndex((j) => j.id === job.id);
  if (i >= 0) jobs.splice(i, 1);
}

export function stopJob(job: Job) {
  void api.stopJob(job.id);
}

/** Running jobs and reports not yet read, oldest first. */
export function jobsToShow(): Job[] {
  return jobs;
}
