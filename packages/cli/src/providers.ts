// Flags and environment variables → presence providers.
import { credentialsEnvironment as agoraCredentialsEnv, operations as agoraOps } from '@rollcall/agora-rtc';
import { credentialsEnvironment as aliyunCredentialsEnv, operations as aliyunOps } from '@rollcall/aliyun-live';
import {
  createPresence,
  type DetailsMethods,
  type LimiterRegistry,
  type PresenceHooks,
  type RoomsMethods,
  type RosterMethods,
  type StatusMethods,
  type WatchMethods,
} from '@rollcall/presence-core';
import { credentialsEnvironment as tencentCredentialsEnv, operations as tencentOps } from '@rollcall/tencent-live';
import { credentialsEnvironment as volcCredentialsEnv, operations as volcOps } from '@rollcall/volcengine-rtc';
import { agora } from '@rollcall/presence-core/agora';
import { aliyun } from '@rollcall/presence-core/aliyun';
import { tencent } from '@rollcall/presence-core/tencent';
import { volcengine } from '@rollcall/presence-core/volcengine';
import { UsageError } from './errors.js';

export type Vendor = 'volcengine' | 'aliyun' | 'tencent' | 'agora';
export const VENDORS: readonly Vendor[] = ['volcengine', 'aliyun', 'tencent', 'agora'];
export const VENDOR_NAMES: Record<Vendor, string> = { volcengine: 'Volcengine', aliyun: 'Alibaba Cloud', tencent: 'Tencent Cloud', agora: 'Agora' };

/** The figures the commands quote, from the operation tables (never written here by hand). */
export const TABLES = {
  status: {
    volcengine: {
      operationId: volcOps.queryLiveParticipantStatus.operationId,
      batch: volcOps.queryLiveParticipantStatus.batch.max,
      qps: volcOps.queryLiveParticipantStatus.qps,
    },
    aliyun: { operationId: aliyunOps.batchGetOnlineUsers.operationId, batch: aliyunOps.batchGetOnlineUsers.batch.max, qps: aliyunOps.batchGetOnlineUsers.qps },
    // One uid per user-status call; many users of a channel are answered by one user-list call instead.
    agora: {
      operationId: agoraOps.queryUserStatus.operationId,
      batch: 1,
      qps: agoraOps.queryUserStatus.qps,
      listOperationId: agoraOps.queryUserList.operationId,
    },
  },
  roster: {
    tencent: {
      operationId: tencentOps.getMemberList.operationId,
      cap: tencentOps.getMemberList.pagination.cap,
      refreshSeconds: tencentOps.getMemberList.refreshSeconds,
    },
    volcengine: { operationId: volcOps.getRoomOnlineUsers.operationId, invisibleCap: volcOps.getRoomOnlineUsers.listBound.max },
    agora: { operationId: agoraOps.queryUserList.operationId, audienceCap: agoraOps.queryUserList.listBound.max },
  },
  rooms: {
    agora: {
      operationId: agoraOps.queryChannelList.operationId,
      pageSize: agoraOps.queryChannelList.pagination.maxPageSize,
      qps: agoraOps.queryChannelList.qps,
    },
  },
} as const;

/** Where the shared quota lives, when not given as --redis. */
export const REDIS_ENVIRONMENT = 'ROLLCALL_REDIS_URL';

// The credentials' variables are the clients' own (each vendor's spec names them, from the vendor's
// tools where it has any): the CLI and a client given no credentials read the same ones.
export const ENVIRONMENT = {
  volcengine: {
    accessKeyId: volcCredentialsEnv.accessKeyId,
    secretAccessKey: volcCredentialsEnv.secretAccessKey,
    securityToken: volcCredentialsEnv.sessionToken,
    region: 'VOLC_REGION',
    imAppId: 'VOLC_IM_APP_ID',
    rtcAppId: 'VOLC_RTC_APP_ID',
    userIds: 'VOLC_IM_USER_IDS',
  },
  aliyun: {
    accessKeyId: aliyunCredentialsEnv.accessKeyId,
    secretAccessKey: aliyunCredentialsEnv.accessKeySecret,
    securityToken: aliyunCredentialsEnv.securityToken,
    region: 'ALIBABA_CLOUD_REGION_ID',
    appId: 'ALIBABA_CLOUD_LIVE_APP_ID',
    dataCenter: 'ALIBABA_CLOUD_LIVE_DATA_CENTER',
  },
  tencent: {
    sdkAppId: tencentCredentialsEnv.sdkAppId,
    identifier: tencentCredentialsEnv.identifier,
    secretKey: tencentCredentialsEnv.secretKey,
    region: 'TENCENT_IM_REGION',
  },
  agora: {
    customerId: agoraCredentialsEnv.customerId,
    customerSecret: agoraCredentialsEnv.customerSecret,
    appId: 'AGORA_APP_ID',
    region: 'AGORA_REGION',
  },
} as const;

/**
 * What the commands say and show differently by vendor, in one place: the flag a missing capability
 * needs, the roster's second column, whether a status row names the operation that answered (Agora
 * answers by user-status calls or one user list), and why a vendor's roster ends short.
 */
export const VENDOR_OUTPUT: Record<
  Vendor,
  {
    statusHint: string;
    rosterHint: string;
    rosterColumn: 'role' | 'visibility';
    statusShowsAnsweredBy: boolean;
    /** Why the vendor's listing is cut, when its own bound explains it. */
    rosterCut(members: number, invisible: number): string | null;
    refreshSeconds?: number;
  }
> = {
  volcengine: {
    statusHint: `pass --im-app-id (or set ${ENVIRONMENT.volcengine.imAppId})`,
    rosterHint: `pass --rtc-app-id (or set ${ENVIRONMENT.volcengine.rtcAppId})`,
    rosterColumn: 'visibility',
    statusShowsAnsweredBy: false,
    rosterCut: (_, invisible) =>
      invisible >= TABLES.roster.volcengine.invisibleCap ? `Volcengine lists at most ${TABLES.roster.volcengine.invisibleCap} invisible users` : null,
  },
  aliyun: {
    statusHint: 'use roster',
    rosterHint: "pass --data-center (apps of today's console list their groups)",
    rosterColumn: 'visibility',
    statusShowsAnsweredBy: false,
    rosterCut: () => null,
  },
  tencent: {
    statusHint: 'use roster',
    rosterHint: 'use status',
    rosterColumn: 'visibility',
    statusShowsAnsweredBy: false,
    rosterCut: (members) => (members >= TABLES.roster.tencent.cap ? `Tencent lists at most ${TABLES.roster.tencent.cap} members of a room` : null),
    refreshSeconds: TABLES.roster.tencent.refreshSeconds,
  },
  agora: {
    statusHint: 'use roster',
    rosterHint: 'use status',
    rosterColumn: 'role',
    statusShowsAnsweredBy: true,
    rosterCut: () => `Agora lists the first ${TABLES.roster.agora.audienceCap} audience members of a channel`,
  },
};

/** Flags every vendor command takes. */
export interface ConnectionFlags {
  vendor: string;
  endpoint?: string;
  region?: string;
  /** Alibaba: the interactive messaging app; Agora: the project. */
  appId?: string;
  /** Alibaba: the data center of an app of today's console (the LiveMessage operations). */
  dataCenter?: string;
  /** Volcengine: the IM app (live groups, conversations) and the RTC app (rooms). */
  imAppId?: string;
  rtcAppId?: string;
  /** Volcengine: whether the IM app's user ids are integers (default) or strings. */
  userIds?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  securityToken?: string;
  sdkAppId?: string;
  identifier?: string;
  secretKey?: string;
  customerId?: string;
  customerSecret?: string;
  /** A Redis the quota is shared through (several CLI jobs, or a job beside an app). */
  redis?: string;
}

/**
 * The environment variables read when a flag is absent. Volcengine and Alibaba Cloud use the names
 * their own SDKs and CLIs read; Tencent IM has no standard, so these are rollcall's.
 */
const DATA_CENTERS = ['cn-shanghai', 'ap-southeast-1'] as const;

/** The Alibaba app's data center (today's console), or undefined for an app of the older console. */
export function aliyunDataCenter(flags: ConnectionFlags, env: Record<string, string | undefined>): (typeof DATA_CENTERS)[number] | undefined {
  const value = flags.dataCenter ?? env[ENVIRONMENT.aliyun.dataCenter];
  if (value === undefined || value === '') return undefined;
  if (!(DATA_CENTERS as readonly string[]).includes(value)) {
    throw new UsageError(`--data-center must be one of ${DATA_CENTERS.join(', ')} (env ${ENVIRONMENT.aliyun.dataCenter})`);
  }
  return value as (typeof DATA_CENTERS)[number];
}

export function parseVendor(value: string): Vendor {
  if (!(VENDORS as readonly string[]).includes(value)) throw new UsageError(`--vendor must be one of ${VENDORS.join(', ')}`);
  return value as Vendor;
}

function required(flag: string, env: string, value: string | undefined, envValue: string | undefined): string {
  const v = value ?? envValue;
  if (!v) throw new UsageError(`missing ${flag} (or the ${env} environment variable)`);
  return v;
}

export interface Presences {
  status?: StatusMethods;
  roster?: RosterMethods;
  details?: DetailsMethods;
  rooms?: RoomsMethods;
  /** Present with a roster or a status capability. */
  watch?: WatchMethods;
}

/** What to check when a vendor refuses the credentials, by vendor. */
export const CREDENTIAL_HINTS: Record<Vendor, string> = {
  volcengine: `--access-key-id and --secret-access-key (${ENVIRONMENT.volcengine.accessKeyId}, ${ENVIRONMENT.volcengine.secretAccessKey}), and --security-token for temporary keys`,
  aliyun: `--access-key-id and --secret-access-key (${ENVIRONMENT.aliyun.accessKeyId}, ${ENVIRONMENT.aliyun.secretAccessKey}), and --security-token for STS keys`,
  tencent: `--sdk-app-id, --identifier (an app administrator) and --secret-key (${ENVIRONMENT.tencent.sdkAppId}, ${ENVIRONMENT.tencent.identifier}, ${ENVIRONMENT.tencent.secretKey})`,
  agora: `--customer-id and --customer-secret (${ENVIRONMENT.agora.customerId}, ${ENVIRONMENT.agora.customerSecret}), and --app-id (${ENVIRONMENT.agora.appId}): Agora answers 401 for an unknown App ID too`,
};

/** The presence API for the chosen vendor, with what it can answer. */
export function presenceFor(flags: ConnectionFlags, env: NodeJS.ProcessEnv, hooks: PresenceHooks, limiters?: LimiterRegistry): Presences {
  const vendor = parseVendor(flags.vendor);
  const common = { endpoint: flags.endpoint };
  if (vendor === 'volcengine') {
    const e = ENVIRONMENT.volcengine;
    const credentials = {
      accessKeyId: required('--access-key-id', e.accessKeyId, flags.accessKeyId, env[e.accessKeyId]),
      secretAccessKey: required('--secret-access-key', e.secretAccessKey, flags.secretAccessKey, env[e.secretAccessKey]),
      sessionToken: flags.securityToken ?? env[e.securityToken],
    };
    const imAppId = flags.imAppId ?? env[e.imAppId];
    const rtcAppId = flags.rtcAppId ?? env[e.rtcAppId];
    if (imAppId !== undefined && !/^\d+$/.test(imAppId)) throw new UsageError('--im-app-id must be a number');
    const userIds = flags.userIds ?? env[e.userIds] ?? 'int';
    if (userIds !== 'int' && userIds !== 'string') throw new UsageError(`--user-ids must be int or string (got ${JSON.stringify(userIds)})`);
    const p = createPresence(
      volcengine({
        ...common,
        credentials,
        region: flags.region ?? env[e.region],
        imAppId: imAppId === undefined ? undefined : Number(imAppId),
        rtcAppId,
        userIds,
      }),
      { hooks, limiters },
    ) as unknown as StatusMethods & RosterMethods & DetailsMethods & WatchMethods;
    return {
      watch: imAppId === undefined && rtcAppId === undefined ? undefined : p,
      status: imAppId === undefined ? undefined : p,
      // BatchGetConversationParticipant takes integer ids only.
      details: imAppId === undefined || userIds === 'string' ? undefined : p,
      roster: rtcAppId === undefined ? undefined : p,
    };
  }
  if (vendor === 'aliyun') {
    const e = ENVIRONMENT.aliyun;
    const p = createPresence(
      aliyun({
        ...common,
        region: flags.region ?? env[e.region],
        credentials: {
          accessKeyId: required('--access-key-id', e.accessKeyId, flags.accessKeyId, env[e.accessKeyId]),
          accessKeySecret: required('--secret-access-key', e.secretAccessKey, flags.secretAccessKey, env[e.secretAccessKey]),
          securityToken: flags.securityToken ?? env[e.securityToken],
        },
        appId: required('--app-id', e.appId, flags.appId, env[e.appId]),
        dataCenter: aliyunDataCenter(flags, env),
      }),
      { hooks, limiters },
    );
    // Apps of today's console can list a group; those of the older one cannot.
    return { status: p, watch: p, roster: (p.capabilities as readonly string[]).includes('roster') ? (p as unknown as RosterMethods) : undefined };
  }
  if (vendor === 'agora') {
    const e = ENVIRONMENT.agora;
    const p = createPresence(
      agora({
        ...common,
        region: flags.region ?? env[e.region],
        credentials: {
          customerId: required('--customer-id', e.customerId, flags.customerId, env[e.customerId]),
          customerSecret: required('--customer-secret', e.customerSecret, flags.customerSecret, env[e.customerSecret]),
        },
        appId: required('--app-id', e.appId, flags.appId, env[e.appId]),
      }),
      { hooks, limiters },
    );
    return { status: p, roster: p, rooms: p, watch: p };
  }
  const e = ENVIRONMENT.tencent;
  const sdkAppId = Number(required('--sdk-app-id', e.sdkAppId, flags.sdkAppId, env[e.sdkAppId]));
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) throw new UsageError('--sdk-app-id must be a positive integer');
  const p = createPresence(
    tencent({
      ...common,
      region: flags.region ?? env[e.region],
      credentials: {
        sdkAppId,
        identifier: required('--identifier', e.identifier, flags.identifier, env[e.identifier]),
        secretKey: required('--secret-key', e.secretKey, flags.secretKey, env[e.secretKey]),
      },
    }),
    { hooks, limiters },
  );
  return { roster: p, watch: p };
}
