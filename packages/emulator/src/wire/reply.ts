// What a vendor server receives and answers, as the wire modules and every server built on them
// (the emulator, the benchmark servers, the fault servers, test fakes) see it.
import { writeJson } from '@rollcall/runtime';

export interface ReceivedRequest {
  method: string;
  url: URL;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  body: string;
}

export interface Reply {
  status: number;
  /** JSON, or text for a gateway's non-JSON answer. */
  body: unknown;
  /** Response headers beyond the content type and length (Agora's `X-Request-ID`). */
  headers?: Record<string, string>;
}

/** A reply's body as text: JSON with int64 fields (Int64Digits) as the bare numbers the vendors write. */
export function replyText(reply: Pick<Reply, 'body'>): string {
  return typeof reply.body === 'string' ? reply.body : writeJson(reply.body);
}
