// The vendors' wire, in one place: how requests are routed to operations and how answers and
// errors are shaped, from the specs' generated tables and types. The emulator is built on it, and
// so is every other server that stands in for a vendor (benchmarks, fault tests, test fakes).
import { isAgoraPath } from './agora.js';
import { isAliyunRequest } from './aliyun.js';
import { isTencentPath } from './tencent.js';
import type { ReceivedRequest } from './reply.js';

export * from './agora.js';
export * from './aliyun.js';
export * from './reply.js';
export * from './tencent.js';
export * from './volcengine.js';
export { wire } from '../generated/wire.js';

export type VendorName = 'volcengine' | 'aliyun' | 'tencent' | 'agora';

/** Which vendor a request is for: Tencent and Agora by their paths, Alibaba by its signature or action, Volcengine by an Action in the query. */
export function vendorOf(req: ReceivedRequest): VendorName | null {
  if (isTencentPath(req.url)) return 'tencent';
  if (isAgoraPath(req.url)) return 'agora';
  if (isAliyunRequest(req)) return 'aliyun';
  if (req.url.searchParams.has('Action')) return 'volcengine';
  return null;
}
