// The one typed door from the UI to Rust: every command, its arguments and its result types.
// Components import from here and never call `invoke` themselves.
import { Channel, invoke } from '@tauri-apps/api/core';
import type { AppStatus } from './bindings/AppStatus';
import type { AboutInfo } from './bindings/AboutInfo';
import type { AwsProfile } from './bindings/AwsProfile';
import type { ConnectionInput } from './bindings/ConnectionInput';
import type { ConnectionTest } from './bindings/ConnectionTest';
import type { ConnectionView } from './bindings/ConnectionView';
import type { ErrorKind } from './bindings/ErrorKind';
import type { ErrorPayload } from './bindings/ErrorPayload';
import type { QueueRow } from './bindings/QueueRow';
import type { QueueStats } from './bindings/QueueStats';
import type { Region } from './bindings/Region';
import type { SandboxSettings } from './bindings/SandboxSettings';
import type { CreatedQueue } from './bindings/CreatedQueue';
import type { QueueDetails } from './bindings/QueueDetails';
import type { QueueSpec } from './bindings/QueueSpec';
import type { QueueSpecCheck } from './bindings/QueueSpecCheck';
import type { ProxyInput } from './bindings/ProxyInput';
import type { Identity } from './bindings/Identity';
import type { SignInStarted } from './bindings/SignInStarted';
import type { NewSsoSession } from './bindings/NewSsoSession';
import type { SsoAccount } from './bindings/SsoAccount';
import type { SavedProfile } from './bindings/SavedProfile';
import type { DeviceAuthorization } from './bindings/DeviceAuthorization';
import type { ProxyView } from './bindings/ProxyView';
import type { EntryOutcome } from './bindings/EntryOutcome';
import type { MessageHandle } from './bindings/MessageHandle';
import type { OutgoingMessage } from './bindings/OutgoingMessage';
import type { PollSettings } from './bindings/PollSettings';
import type { ReceivedMessage } from './bindings/ReceivedMessage';
import type { SentMessage } from './bindings/SentMessage';
import type { BulkProgress } from './bindings/BulkProgress';
import type { BulkReport } from './bindings/BulkReport';
import type { SandboxStatus } from './bindings/SandboxStatus';
import type { ImportFormat } from './bindings/ImportFormat';
import type { ImportPreview } from './bindings/ImportPreview';
import type { RecentMessage } from './bindings/RecentMessage';
import type { ChosenFile } from './bindings/ChosenFile';
import type { RecentMessages } from './bindings/RecentMessages';
import type { MoveTask } from './bindings/MoveTask';
import type { MoveItem } from './bindings/MoveItem';
import type { MoveProgress } from './bindings/MoveProgress';
import type { SimSettings } from './bindings/SimSettings';
import type { SimTick } from './bindings/SimTick';
import type { UsageView } from './bindings/UsageView';
import type { TourProgress } from './bindings/TourProgress';
import type { PolledBatch } from './bindings/PolledBatch';
import type { MessageRow } from './bindings/MessageRow';
import { readQueryAnswer } from './message-query';
import type { RowOrder } from './bindings/RowOrder';
import type { HeldHandle } from './bindings/HeldHandle';
import type { OpenedMessage } from './bindings/OpenedMessage';
import type { Change } from './bindings/Change';
import type { Preview } from './bindings/Preview';
import type { PreviewInput } from './bindings/PreviewInput';
import type { QueryAnswer } from './bindings/QueryAnswer';
import type { FacetAnswer } from './bindings/FacetAnswer';
import type { FacetValue } from './bindings/FacetValue';
import type { QueryError } from './bindings/QueryError';

export type {
  MessageRow,
  RowOrder,
  HeldHandle,
  Change,
  Preview,
  PreviewInput,
  PolledBatch,
  QueryAnswer,
  FacetAnswer,
  FacetValue,
  QueryError,
  AboutInfo,
  AppStatus,
  AwsProfile,
  ConnectionInput,
  ConnectionTest,
  ConnectionView,
  ErrorKind,
  ErrorPayload,
  QueueRow,
  QueueStats,
  Region,
  SandboxSettings,
  SandboxStatus,
  CreatedQueue,
  QueueDetails,
  QueueSpec,
  QueueSpecCheck,
  ProxyInput,
  Identity,
  SignInStarted,
  NewSsoSession,
  SsoAccount,
  SavedProfile,
  DeviceAuthorization,
  ProxyView,
  EntryOutcome,
  MessageHandle,
  OutgoingMessage,
  PollSettings,
  ReceivedMessage,
  SentMessage,
  BulkProgress,
  BulkReport,
  ImportFormat,
  ImportPreview,
  RecentMessage,
  ChosenFile,
  RecentMessages,
  MoveTask,
  MoveItem,
  MoveProgress,
  SimSettings,
  SimTick,
  UsageView,
  TourProgress,
};
export type { LineProblem } from './bindings/LineProblem';
export type { AttributeValue } from './bindings/AttributeValue';
export type { PollMode } from './bindings/PollMode';
export type { Tag } from './bindings/Tag';
export type { DeadLetter } from './bindings/DeadLetter';
export type { Encryption } from './bindings/Encryption';
export type { RedriveAllow } from './bindings/RedriveAllow';
export type { ConnectionType } from './bindings/ConnectionType';
export type { QueueCounts } from './bindings/QueueCounts';

/** An error from Rust, with the stable `kind` to switch on and a sentence for people. */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly code?: string;
  readonly field?: string;

  constructor(p: ErrorPayload) {
    super(p.message);
    this.name = 'ApiError';
    this.kind = p.kind;
    this.code = p.code;
    this.field = p.field;
  }
}

function isPayload(e: unknown): e is ErrorPayload {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

/** Turns whatever a command threw into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isPayload(e)) return new ApiError(e);
  const message = e instanceof Error ? e.message : String(e);
  return new ApiError({ kind: 'Internal', message: `Something went wrong inside the app: ${message}` });
}

/** Commands that can complete a step of the first-launch tour (Rust marks the step). */
const TOUR_STEPS = new Set(['create_queue', 'send_message', 'bulk_send', 'poll_messages', 'delete_messages']);
/** Fired on the window after such a command succeeded, so the tour can read its progress again. */
export const TOUR_EVENT = 'sqs-pilot:tour';

/** Commands begun and still running, other than the usage meter's own: while none has begun or
    run since its last look, no request can have been sent and the meter need not ask. */
const activity = { started: 0, running: 0 };
const QUIET = new Set(['connection_usage', 'app_ready']);

/** A number that changes whenever a command starts, and stays changing while any runs. */
export function activitySeen(): number {
  return activity.running > 0 ? -1 : activity.started;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  let result: T;
  const counted = !QUIET.has(cmd);
  if (counted) {
    activity.started++;
    activity.running++;
  }
  try {
    result = await invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  } finally {
    if (counted) activity.running--;
  }
  if (TOUR_STEPS.has(cmd) && typeof window.dispatchEvent === 'function') window.dispatchEvent(new Event(TOUR_EVENT));
  return result;
}

export const api = {
  appStatus: () => call<AppStatus>('app_status'),
  /** Says the first queue list is on screen (logged once; the start-up benchmark waits for it). */
  appReady: (marks: Record<string, number>) => call<null>('app_ready', { marks }),
  about: () => call<AboutInfo>('about'),
  listRegions: () => call<Region[]>('list_regions'),
  listProfiles: () => call<AwsProfile[]>('list_profiles'),
  saveConnection: (input: ConnectionInput) => call<ConnectionView>('save_connection', { input }),
  removeConnection: (id: string) => call<null>('remove_connection', { id }),
  selectConnection: (id: string) => call<null>('select_connection', { id }),
  testConnection: (input: ConnectionInput) => call<ConnectionTest>('test_connection', { input }),
  /** Who the connection signs in as (STS GetCallerIdentity). */
  connectionIdentity: (connectionId: string) => call<Identity>('connection_identity', { connectionId }),
  /** Starts an IAM Identity Center sign-in for a profile (opens the browser); `stopJob(jobId)` cancels it. */
  ssoStartSignIn: (profile: string, jobId: string) => call<SignInStarted>('sso_start_sign_in', { profile, jobId }),
  /** Waits for the approval; false if it was cancelled. */
  ssoFinishSignIn: (jobId: string) => call<boolean>('sso_finish_sign_in', { jobId }),
  /** Assumes the profile's MFA-guarded role with a code (the session stays in memory). */
  mfaSignIn: (connectionId: string, code: string) => call<null>('mfa_sign_in', { connectionId, code }),
  /** Starts signing in to a portal for a profile to be set up from its start URL. */
  ssoStartNewSession: (session: NewSsoSession, jobId: string) => call<SignInStarted>('sso_start_new_session', { session, jobId }),
  ssoAccounts: (session: NewSsoSession) => call<SsoAccount[]>('sso_accounts', { session }),
  ssoRoles: (session: NewSsoSession, accountId: string) => call<string[]>('sso_roles', { session, accountId }),
  /** Adds the profile to the AWS config (after a backup) and saves a connection using it. */
  ssoSaveProfile: (session: NewSsoSession, accountId: string, roleName: string, region: string) =>
    call<SavedProfile>('sso_save_profile', { session, accountId, roleName, region }),
  proxySettings: () => call<ProxyView>('proxy_settings'),
  saveProxy: (input: ProxyInput) => call<ProxyView>('save_proxy', { input }),
  /** Tries the proxy typed in the Network dialog (nothing saved): a sentence when it works. */
  testProxy: (input: ProxyInput) => call<string>('test_proxy', { input }),
  sandboxStatus: () => call<SandboxStatus>('sandbox_status'),
  configureSandbox: (settings: SandboxSettings) => call<SandboxStatus>('configure_sandbox', { settings }),
  resetSandbox: () => call<SandboxStatus>('reset_sandbox'),
  listQueues: (connectionId: string, prefix?: string) =>
    call<QueueRow[]>('list_queues', { connectionId, prefix: prefix ?? null }),
  queueStats: (connectionId: string, urls: string[]) =>
    call<QueueStats[]>('queue_stats', { connectionId, urls }),
  /** The settings as SQS will get them and their first problem, checked in Rust (no request). */
  checkQueueSpec: (spec: QueueSpec) => call<QueueSpecCheck>('check_queue_spec', { spec }),
  createQueue: (connectionId: string, spec: QueueSpec) => call<CreatedQueue>('create_queue', { connectionId, spec }),
  queueDetails: (connectionId: string, url: string) => call<QueueDetails>('queue_details', { connectionId, url }),
  updateQueue: (connectionId: string, url: string, before: QueueSpec, after: QueueSpec) =>
    call<null>('update_queue', { connectionId, url, before, after }),
  purgeQueue: (connectionId: string, url: string) => call<null>('purge_queue', { connectionId, url }),
  deleteQueue: (connectionId: string, url: string) => call<null>('delete_queue', { connectionId, url }),
  sendMessage: (connectionId: string, url: string, message: OutgoingMessage) =>
    call<SentMessage>('send_message', { connectionId, url, message }),
  /** Polls into the page's message store (emptied first); `onBatch` hears how many arrived and
   * their numbers. Resolves with how many arrived. */
  pollMessages: (
    connectionId: string,
    url: string,
    pollId: string,
    storeId: string,
    settings: PollSettings,
    onBatch: (batch: PolledBatch) => void,
  ) => {
    const channel = new Channel<PolledBatch>();
    channel.onmessage = onBatch;
    return call<number>('poll_messages', { connectionId, url, pollId, storeId, settings, onBatch: channel });
  },
  /** Which of the page's polled messages a query matches (their numbers in `order`) with the
   * first `firstRows` rows, or where the query is wrong. */
  queryMessages: async (storeId: string, query: string, order: RowOrder, firstRows: number) =>
    readQueryAnswer(await call<ArrayBuffer>('query_messages', { storeId, query, order, firstRows })),
  /** The rows the table draws, by number (at most 1,000). */
  messageRows: (storeId: string, seqs: number[]) => call<MessageRow[]>('message_rows', { storeId, seqs }),
  /** The most common values of a field among the messages a query matches. */
  messageFacet: (storeId: string, query: string, field: string, top: number) =>
    call<FacetAnswer>('message_facet', { storeId, query, field, top }),
  /** A polled message for the pane, whole, with its body indented as JSON by Rust (null: not JSON). */
  openMessage: (storeId: string, messageId: string) => call<OpenedMessage | null>('open_message', { storeId, messageId }),
  /** The field names a query can use, from the page's polled messages. */
  messageFields: (storeId: string) => call<string[]>('message_fields', { storeId }),
  /** Tells the page's store that these messages are gone (deleted, moved); resolves with their numbers. */
  forgetMessages: (storeId: string, messageIds: string[]) => call<number[]>('forget_messages', { storeId, messageIds }),
  /** The page closed: its polled messages are dropped. */
  dropMessageStore: (storeId: string) => call<null>('drop_message_store', { storeId }),
  /** Stops a running poll, bulk send or simulation by the id it was started with. */
  stopJob: (jobId: string) => call<null>('stop_job', { jobId }),
  /** Asks which file to import (a native dialog; Rust reads the file); null if cancelled. */
  chooseImportFile: () => call<ChosenFile | null>('choose_import_file'),
  /** What a chosen file holds, read once in Rust, before sending. */
  previewImport: (fileId: string, format: ImportFormat) => call<ImportPreview>('preview_import', { fileId, format }),
  /** Streams every message of a chosen file (or only `onlyLines`); `onProgress` gets counts after each batch. */
  bulkSend: (
    connectionId: string,
    url: string,
    jobId: string,
    fileId: string,
    format: ImportFormat,
    onlyLines: number[] | null,
    total: number,
    onProgress: (p: BulkProgress) => void,
  ) => {
    const channel = new Channel<BulkProgress>();
    channel.onmessage = onProgress;
    return call<BulkReport>('bulk_send', { connectionId, url, jobId, fileId, format, onlyLines, total, onProgress: channel });
  },
  /** Asks where to save and writes the page's polled messages with these numbers (null: all) as
   * JSON Lines from Rust's store; resolves with the path, or null if cancelled. */
  exportMessages: (storeId: string, seqs: number[] | null, suggestedName: string) =>
    call<string | null>('export_messages', { storeId, seqs, suggestedName }),
  /** The page's polled messages with these numbers, whole (the window keeps only numbers). */
  storedMessages: (storeId: string, seqs: number[]) => call<ReceivedMessage[]>('stored_messages', { storeId, seqs }),
  /** The receipt handles of the page's polled messages with these numbers. */
  messageHandles: (storeId: string, seqs: number[]) => call<HeldHandle[]>('message_handles', { storeId, seqs }),
  recentMessages: (connectionId: string, url: string) => call<RecentMessages>('recent_messages', { connectionId, url }),
  clearRecentMessages: () => call<null>('clear_recent_messages'),
  keepRecentMessagesForAws: (keep: boolean) => call<null>('keep_recent_messages_for_aws', { keep }),
  startRedrive: (connectionId: string, sourceArn: string, destinationArn: string | null, rate: number | null) =>
    call<string>('start_redrive', { connectionId, sourceArn, destinationArn, rate }),
  listRedrives: (connectionId: string, sourceArn: string) => call<MoveTask[]>('list_redrives', { connectionId, sourceArn }),
  cancelRedrive: (connectionId: string, handle: string) => call<number>('cancel_redrive', { connectionId, handle }),
  /** Sends each message to `toUrl`, then deletes it from `fromUrl` once it arrived. */
  /** Moves chosen messages, each changed first by `changes` (none: as they are): sent, then deleted here. */
  /** Moves chosen messages in rounds; `onProgress` after each; `stopJob(jobId)` stops between two. */
  moveMessages: (
    connectionId: string,
    fromUrl: string,
    toUrl: string,
    items: MoveItem[],
    changes: Change[],
    jobId: string,
    onProgress: (p: MoveProgress) => void,
  ) => {
    const channel = new Channel<MoveProgress>();
    channel.onmessage = onProgress;
    return call<EntryOutcome[]>('move_messages', { connectionId, fromUrl, toUrl, items, changes, jobId, onProgress: channel });
  },
  /** Each message before and after `changes`, as the move would send it. */
  previewChanges: (changes: Change[], messages: PreviewInput[]) => call<Preview[]>('preview_changes', { changes, messages }),
  /** Runs the simulator until `stopJob(simId)`; `onTick` gets a tick a second. */
  simulate: (
    connectionId: string,
    url: string,
    dlqUrl: string | null,
    simId: string,
    settings: SimSettings,
    onTick: (t: SimTick) => void,
  ) => {
    const channel = new Channel<SimTick>();
    channel.onmessage = onTick;
    return call<SimTick>('simulate', { connectionId, url, dlqUrl, simId, settings, onTick: channel });
  },
  connectionUsage: (connectionId: string) => call<UsageView>('connection_usage', { connectionId }),
  tourProgress: () => call<TourProgress>('tour_progress'),
  closeTour: () => call<TourProgress>('close_tour'),
  deleteMessages: (connectionId: string, url: string, handles: MessageHandle[]) =>
    call<EntryOutcome[]>('delete_messages', { connectionId, url, handles }),
  changeVisibility: (connectionId: string, url: string, handles: MessageHandle[], visibilityS: number) =>
    call<EntryOutcome[]>('change_visibility', { connectionId, url, handles, visibilityS }),
};
