// Every Bot API call the fake answered, in arrival order, for assertions and waiting.
import { EventEmitter } from 'node:events';
import type { ApiRequest } from './request-body';
import type { CallPredicate, RecordedCall, UploadedDocument } from './types';
import { waitForMatch } from './wait-for';

export interface CallOutcome {
  result?: unknown;
  errorCode?: number;
  description?: string;
}

export class CallLog {
  /** successful and failed calls */
  readonly calls: RecordedCall[] = [];
  /** successful calls only: what users would see */
  readonly sent: RecordedCall[] = [];
  readonly events = new EventEmitter().setMaxListeners(0);
  private seq = 0;

  record(method: string, request: ApiRequest, { result, errorCode, description }: CallOutcome): RecordedCall {
    const ok = errorCode === undefined;
    const call = withoutUndefined({ seq: ++this.seq, method, at: Date.now(), ok, errorCode, description, ...fieldsOf(request, result) });
    this.calls.push(call);
    if (ok) this.sent.push(call);
    this.events.emit('call', call);
    return call;
  }

  waitFor(predicate: CallPredicate, timeoutMs: number, includeFailed: boolean): Promise<RecordedCall> {
    const wanted: CallPredicate = includeFailed ? predicate : (call) => call.ok && predicate(call);
    return waitForMatch({
      recorded: includeFailed ? this.calls : this.sent,
      emitter: this.events,
      event: 'call',
      predicate: wanted,
      timeoutMs,
      describe: () => this.describe(),
    });
  }

  after(seq: number, includeFailed: boolean): RecordedCall[] {
    return (includeFailed ? this.calls : this.sent).filter((call) => call.seq > seq);
  }

  clear(): void {
    this.calls.length = 0;
    this.sent.length = 0;
  }

  private describe(): string {
    const lines = this.calls.slice(-20).map((call) =>
      `  #${call.seq} ${call.method} chat=${call.chat_id ?? '-'} ${call.ok ? 'ok' : `error ${call.errorCode}`} ${JSON.stringify((call.text ?? call.caption ?? '').slice(0, 60))}`);
    return lines.length > 0 ? lines.join('\n') : '  (nothing)';
  }
}

type RequestFields = Omit<RecordedCall, 'seq' | 'method' | 'at' | 'ok' | 'errorCode' | 'description'>;

function fieldsOf({ params, files }: ApiRequest, result: unknown): RequestFields {
  const message = typeof result === 'object' && result !== null ? (result as { message_id?: number; document?: Record<string, unknown> }) : undefined;
  const fileFields = Object.fromEntries(Object.entries(files).map(([name, file]) => [name, { filename: file.filename, size: file.data.length }]));
  return {
    chat_id: params.chat_id as RecordedCall['chat_id'],
    message_id: message?.message_id ?? (params.message_id as number | undefined),
    text: params.text as string | undefined,
    caption: params.caption as string | undefined,
    parse_mode: params.parse_mode as string | undefined,
    reply_markup: params.reply_markup,
    callback_query_id: params.callback_query_id as string | undefined,
    document: documentOf(files.document, message?.document),
    params: { ...params, ...fileFields },
  };
}

function documentOf(upload: ApiRequest['files']['document'] | undefined, sent: Record<string, unknown> | undefined): UploadedDocument | undefined {
  if (!upload && !sent) return undefined;
  return withoutUndefined({
    fileId: sent?.file_id as string | undefined,
    filename: upload?.filename ?? (sent?.file_name as string | undefined) ?? '',
    size: upload?.data.length ?? (sent?.file_size as number | undefined) ?? 0,
    mimeType: upload?.contentType,
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
