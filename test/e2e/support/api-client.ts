// A small HTTP client for e2e tests: JSON in and out, headers and status kept.
export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey?: string,
  ) {}

  as(apiKey: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, apiKey);
  }

  get<T = any>(path: string, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = any>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  put<T = any>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.request<T>('PUT', path, body);
  }

  patch<T = any>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T = any>(path: string): Promise<ApiAnswer<T>> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (this.apiKey) (init.headers as Record<string, string>).authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (metrics, PDFs): keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  /** Registers a new user and returns a client authenticated as that user. */
  async register(username: string): Promise<ApiClient & { userId: string }> {
    const answer = await this.as(undefined).post('/api/v1/auth/register', { username });
    if (answer.status !== 201) throw new Error(`register ${username}: ${answer.status} ${answer.text}`);
    return Object.assign(new ApiClient(this.baseUrl, answer.body.apiKey), { userId: answer.body.id as string });
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
}
