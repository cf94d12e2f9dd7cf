// The IAM Identity Center device sign-in as the UI runs it: start (Rust opens the browser), show
// the code, wait for the approval. Cancel is `api.stopJob(jobId)`.
import { api, type DeviceAuthorization, type SignInStarted } from './api';
import { announce } from './announce.svelte';

/** Runs a sign-in: `start` asks Rust to begin it; `shown` gets the code to display. Resolves
    true once approved, false if cancelled (also when Cancel came before the code did); throws
    an ApiError otherwise. */
export async function signIn(
  start: (jobId: string) => Promise<SignInStarted>,
  jobId: string,
  shown: (auth: DeviceAuthorization, opened: boolean) => void,
  cancelled: () => boolean = () => false,
): Promise<boolean> {
  const started = await start(jobId);
  if (cancelled()) {
    // Stop first, then let Rust end the pending sign-in at once (it sees the stop).
    await api.stopJob(jobId);
    await api.ssoFinishSignIn(jobId).catch(() => false);
    return false;
  }
  shown(started.authorization, started.opened);
  announce(`Check that the browser shows the code ${started.authorization.user_code}, then approve.`);
  return api.ssoFinishSignIn(jobId);
}
