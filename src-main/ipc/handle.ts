// The one wrapper every IPC handler goes through (issue 5, STYLE "Processes and messages"):
// it refuses senders that are not our window, checks the arguments against the contract's
// schema, logs the channel and how long it took, and turns whatever happens into
// `{ ok: true, value } | { ok: false, error: { code, message } }` — no exception crosses the bridge.
// No electron import at all (this folder compiles without DOM types): SenderEvent is the part of
// Electron's IpcMainInvokeEvent it reads, so tests drive it with plain objects of that shape.

import type { ApiError, InvokeMethod, InvokeMethods, Result } from '../../src-preload/contract.js';
import { isZipError, wordedAs } from '../zip/errors.js';
import type { Log } from '../log/types.js';
import { ArgumentError, checkArguments } from './validate.js';
import { isOwnFrame } from '../window-policy.js';

/** The parts of IpcMainInvokeEvent the wrapper reads. */
export interface SenderEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string } | null;
}

/** A refusal the handlers raise on purpose, with a contract code. */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: 'NOT_FOUND' | 'FORBIDDEN_SENDER' | 'FORBIDDEN_PATH' | 'BAD_ARGUMENT' | 'INTERNAL',
    message: string,
  ) {
    super(message);
  }
}

export interface SenderPolicy {
  /** The webContents id of our one window, or undefined while there is none. */
  readonly windowId: () => number | undefined;
  /** The exact page our window loads: APP_PAGE_URL, a file: URL of index.html, or the dev server. */
  readonly appUrl: string;
}

/**
 * True only for the top frame of our window showing our page. A frame from anywhere else —
 * another webContents, a navigated-away page, an iframe with a foreign URL — is refused.
 */
export function isTrustedSender(policy: SenderPolicy, event: SenderEvent): boolean {
  const id = policy.windowId();
  if (id === undefined || event.sender.id !== id) return false;
  const frameUrl = event.senderFrame?.url;
  return frameUrl !== undefined && isOwnFrame(policy.appUrl, frameUrl);
}

export function toApiError(error: unknown): ApiError {
  if (isZipError(error)) {
    // What the window words it by; an entry's error stays in English (the bridge has no entry to say it after).
    if (error.entry) return { code: error.code, message: `${error.entry}: ${error.message}` };
    return { code: error.code, message: error.message, ...wordedAs(error) };
  }
  if (error instanceof ArgumentError) return { code: 'BAD_ARGUMENT', message: error.message };
  if (error instanceof BridgeError) return { code: error.code, message: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    // Node's fs errors (ENOENT, EACCES, …): their message already names the path.
    return { code: 'IO', message: (error as Error).message };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

export type Handler<M extends InvokeMethod> = (...args: InvokeMethods[M]['args']) => Promise<InvokeMethods[M]['result']> | InvokeMethods[M]['result'];

export type Listener<M extends InvokeMethod> = (event: SenderEvent, ...args: unknown[]) => Promise<Result<InvokeMethods[M]['result']>>;

export interface HandleOptions {
  readonly isTrusted: (event: SenderEvent) => boolean;
  readonly log: Log;
  /** Clock for durations; performance.now by default. */
  readonly now?: () => number;
}

/** Wrap one handler: sender check, argument check, timing log, coded result. */
export function handle<M extends InvokeMethod>(method: M, handler: Handler<M>, options: HandleOptions): Listener<M> {
  const now = options.now ?? (() => performance.now());
  return async (event, ...args) => {
    const started = now();
    let result: Result<InvokeMethods[M]['result']>;
    if (!options.isTrusted(event)) {
      result = { ok: false, error: { code: 'FORBIDDEN_SENDER', message: `${method}: refused a call from ${event.senderFrame?.url ?? 'an unknown frame'}` } };
      options.log.warn('ipc refused sender', { channel: method, url: event.senderFrame?.url ?? null });
      return result;
    }
    try {
      const checked = checkArguments(method, args);
      const value = await handler(...checked);
      result = { ok: true, value: value as InvokeMethods[M]['result'] };
    } catch (error) {
      result = { ok: false, error: toApiError(error) };
      if (result.error.code === 'INTERNAL') options.log.error('ipc handler failed', { channel: method, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
    const ms = Math.round((now() - started) * 10) / 10;
    if (result.ok) options.log.debug('ipc', { channel: method, ms });
    else options.log.info('ipc error', { channel: method, ms, code: result.error.code, message: result.error.message });
    return result;
  };
}

/** Wrap every handler of the contract; the result maps each channel name to its listener. */
export function handleAll(
  handlers: { readonly [M in InvokeMethod]: Handler<M> },
  options: HandleOptions,
): { readonly [M in InvokeMethod]: Listener<M> } {
  const out: Partial<Record<InvokeMethod, Listener<InvokeMethod>>> = {};
  for (const method of Object.keys(handlers) as InvokeMethod[]) {
    out[method] = handle(method, handlers[method] as Handler<typeof method>, options) as Listener<InvokeMethod>;
  }
  return out as { readonly [M in InvokeMethod]: Listener<M> };
}
