/** One HTTP exchange, as the engine needs it: the exact bytes out, the status, headers and text back. */
export interface HttpRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly signal: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  header(name: string): string | null;
  readonly text: string;
}

export type Transport = (request: HttpRequest) => Promise<HttpResponse>;
