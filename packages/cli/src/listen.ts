// `rollcall listen`: a receiver of a vendor's presence callbacks. It verifies each one as the vendor
// signs it, answers as the vendor requires, applies it to a live roster (this process's memory, or
// Redis for a fleet of listeners) and prints one NDJSON line per roster change. A callback that fails
// verification is answered 4xx and printed nowhere but stderr.
import { createServer } from 'node:http';
import { agoraWebhookReply, verifyAgoraWebhook, webhookListener, type WebhookInput, type WebhookReply } from '@rollcall/agora-rtc';
import { RedisLiveRosters } from '@rollcall/limiter-redis';
import { LiveRosters, type LiveRosterStore, type RosterChange, type RosterEvent } from '@rollcall/presence-core';
import { agoraLiveRoster, agoraRosterEvents } from '@rollcall/presence-core/agora';
import { tencentLiveRoster, tencentRosterEvents } from '@rollcall/presence-core/tencent';
import { volcengineLiveRoster, volcengineRosterEvents } from '@rollcall/presence-core/volcengine';
import { tencentWebhookReply, verifyTencentWebhook } from '@rollcall/tencent-live';
import { verifyVolcengineWebhook, volcengineWebhookReply } from '@rollcall/volcengine-rtc';
import { UsageError } from './errors.js';
import { ndjsonLine, type Out } from './output.js';
import { ENVIRONMENT, REDIS_ENVIRONMENT } from './providers.js';

/** Where the callback secret (or Tencent's token) is read from when no flag gives it. */
export const WEBHOOK_SECRET_ENVIRONMENT = 'ROLLCALL_WEBHOOK_SECRET';

export const LISTENING_VENDORS = ['agora', 'tencent', 'volcengine'] as const;
type ListeningVendor = (typeof LISTENING_VENDORS)[number];

export interface Receiver {
  verify: (input: WebhookInput) => Promise<unknown>;
  reply: WebhookReply;
  events: (event: never) => RosterEvent[];
  rules: { leftRecordMs: number; heartbeatLagMs: number };
  /** Tencent does not retry by default: its events are buffered while Redis is away rather than refused. */
  whenAway: 'refuse' | 'buffer';
}

export function receiverFor(vendor: ListeningVendor, secret: string, flags: ListenFlags, env: NodeJS.ProcessEnv): Receiver {
  switch (vendor) {
    case 'agora':
      return {
        verify: (input) => verifyAgoraWebhook(input, { secret }),
        reply: agoraWebhookReply,
        events: agoraRosterEvents as Receiver['events'],
        rules: agoraLiveRoster,
        whenAway: 'refuse',
      };
    case 'tencent': {
      const sdkAppId = flags.sdkAppId ?? env[ENVIRONMENT.tencent.sdkAppId];
      if (!sdkAppId)
        throw new UsageError(`listen --vendor tencent: pass --sdk-app-id (or set ${ENVIRONMENT.tencent.sdkAppId}): callbacks for other apps are refused`);
      return {
        verify: (input) => verifyTencentWebhook(input, { token: secret, sdkAppId }),
        reply: tencentWebhookReply,
        events: ((event: Parameters<typeof tencentRosterEvents>[0]) => tencentRosterEvents(event)) as Receiver['events'],
        rules: tencentLiveRoster,
        whenAway: 'buffer',
      };
    }
    case 'volcengine': {
      const appId = flags.appId ?? env[ENVIRONMENT.volcengine.rtcAppId];
      return {
        verify: (input) => verifyVolcengineWebhook(input, { secret, ...(appId ? { appId } : {}) }),
        reply: volcengineWebhookReply,
        events: volcengineRosterEvents as Receiver['events'],
        rules: volcengineLiveRoster,
        whenAway: 'refuse',
      };
    }
  }
}

export interface ListenFlags {
  vendor?: string;
  port: string;
  host: string;
  webhookSecret?: string;
  redis?: string;
  sdkAppId?: string;
  appId?: string;
}

/** One NDJSON line per change: what, where, who, and whether an event or a snapshot made it. */
const changeLine = (change: RosterChange) =>
  ndjsonLine({
    change: change.change,
    room: change.room,
    user: change.userId,
    by: change.by,
    at: change.at.toISOString(),
    ...(change.member ? { role: change.member.role, visibility: change.member.visibility } : {}),
  });

/** Runs until SIGINT/SIGTERM; the exit code. */
export async function listenCommand(out: Out, flags: ListenFlags, port: number, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const vendor = flags.vendor as ListeningVendor;
  if (!LISTENING_VENDORS.includes(vendor)) {
    throw new UsageError(
      flags.vendor === 'aliyun'
        ? "listen: Alibaba's callbacks sign no event content, so rollcall does not listen to them: poll (rollcall watch --vendor aliyun)"
        : `listen: --vendor must be one of ${LISTENING_VENDORS.join(', ')}`,
    );
  }
  const secret = flags.webhookSecret ?? env[WEBHOOK_SECRET_ENVIRONMENT];
  if (!secret) throw new UsageError(`listen: pass --webhook-secret (or set ${WEBHOOK_SECRET_ENVIRONMENT}): callbacks are verified with it`);
  const receiver = receiverFor(vendor, secret, flags, env);
  const redisUrl = flags.redis ?? env[REDIS_ENVIRONMENT];
  const store: LiveRosterStore & { close?(): Promise<void> } = redisUrl
    ? new RedisLiveRosters({ url: redisUrl, ...receiver.rules, whenAway: receiver.whenAway })
    : new LiveRosters(receiver.rules);
  const server = createServer(
    webhookListener({
      verify: receiver.verify,
      reply: receiver.reply,
      onEvent: async (event) => {
        for (const rosterEvent of receiver.events(event as never)) {
          const { change } = await store.apply(rosterEvent);
          if (change) out.write(changeLine(change));
        }
      },
      onRefused: (error) => out.error(`rollcall: refused a callback (${error.reason})\n`),
    }),
  );
  server.keepAliveTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, flags.host, resolve);
    });
  } catch (error) {
    await store.close?.();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port}: ${flags.host}:${port} is already in use (--port 0 picks a free port)`);
    throw error;
  }
  const address = server.address() as { port: number };
  out.error(`rollcall: listening for ${vendor} callbacks at http://${flags.host.includes(':') ? `[${flags.host}]` : flags.host}:${address.port}/\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close?.();
  return 0;
}
