// Answers Bot API requests (`/bot<token>/<method>`) from the fake's state, recording each call.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BotApiError, badRequest, type BotApiMethod, type BotApiState } from './bot-api-state';
import { botMethods } from './bot-methods';
import type { CallLog } from './call-log';
import { failureAnswer, type FailurePlan } from './failure-plan';
import { messageMethods } from './message-methods';
import { parseApiRequest, readBody, type ApiRequest } from './request-body';
import { sendJson } from './send-json';
import type { FailureSpec, FakeBotApiOptions } from './types';

/** `/bot<token>/<method>`, or `/bot<token>/test/<method>` when the client sets testEnv */
const BOT_PATH = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)$/;
const DEFAULT_MAX_POLL_TIMEOUT_SEC = 10;

const METHODS = new Map<string, [string, BotApiMethod]>(
  Object.entries({ ...botMethods, ...messageMethods }).map(([name, method]) => [name.toLowerCase(), [name, method]]),
);

export class BotApiHandler {
  private readonly maxPollTimeoutSec: number;

  constructor(
    private readonly state: BotApiState,
    private readonly log: CallLog,
    private readonly failures: FailurePlan,
    private readonly options: FakeBotApiOptions,
  ) {
    this.maxPollTimeoutSec = options.maxPollTimeoutSec ?? DEFAULT_MAX_POLL_TIMEOUT_SEC;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const match = BOT_PATH.exec(url.pathname);
    if (!match) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, calledName] = match;
    if (this.options.token !== undefined && token !== this.options.token) {
      return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    let request: ApiRequest;
    try {
      request = parseApiRequest(req, url, await readBody(req));
    } catch (error) {
      return sendJson(res, 400, badRequest((error as Error).message).toJSON());
    }
    const method = calledName.toLowerCase() === 'getupdates' ? 'getUpdates' : resolveMethod(calledName)[0];
    const failure = this.failures.take(method);
    if (failure) return this.answerWithFailure(method, request, failure, res);
    if (method === 'getUpdates') return this.answerPoll(request, res);
    this.answerCall(method, request, res);
  }

  private answerCall(calledName: string, request: ApiRequest, res: ServerResponse): void {
    const answer = this.execute(calledName, request);
    sendJson(res, answer instanceof BotApiError ? answer.code : 200, answer instanceof BotApiError ? answer.toJSON() : answer);
  }

  /** Runs a Bot API method on the state and records the call. */
  execute(calledName: string, request: ApiRequest): { ok: true; result: unknown } | BotApiError {
    const [method, handler] = resolveMethod(calledName);
    try {
      if (!handler) throw new BotApiError(404, 'Not Found: method not found');
      const result = handler(this.state, request);
      this.log.record(method, request, { result });
      return { ok: true, result };
    } catch (error) {
      if (!(error instanceof BotApiError)) throw error;
      this.log.record(method, request, { errorCode: error.code, description: error.description });
      return error;
    }
  }

  private answerWithFailure(method: string, request: ApiRequest, failure: FailureSpec, res: ServerResponse): void {
    if (failure.dropConnection) {
      this.log.record(method, request, { errorCode: 0, description: 'connection dropped by the fake' });
      res.socket?.destroy();
      return;
    }
    const error = failureAnswer(failure);
    this.log.record(method, request, { errorCode: error.code, description: error.description });
    sendJson(res, error.code, error.toJSON());
  }

  private async answerPoll({ params }: ApiRequest, res: ServerResponse): Promise<void> {
    if (this.state.webhook) {
      const conflict = new BotApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      return sendJson(res, 409, conflict.toJSON());
    }
    const timeoutSec = Math.min(Number(params.timeout ?? 0) || 0, this.maxPollTimeoutSec);
    const poll = this.state.updates.poll({
      offset: params.offset as number | undefined,
      limit: params.limit as number | undefined,
      allowedUpdates: Array.isArray(params.allowed_updates) ? (params.allowed_updates as string[]) : undefined,
      timeoutMs: timeoutSec * 1000,
    });
    res.on('close', poll.cancel);
    const outcome = await poll.outcome;
    if ('conflict' in outcome) {
      const conflict = new BotApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
      return sendJson(res, 409, conflict.toJSON());
    }
    sendJson(res, 200, { ok: true, result: outcome.updates });
  }
}

/** Method names are case-insensitive in the Bot API; the log uses the documented spelling. */
function resolveMethod(calledName: string): [string, BotApiMethod | undefined] {
  return METHODS.get(calledName.toLowerCase()) ?? [calledName, undefined];
}
