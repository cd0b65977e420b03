// rollcall: the command-line face of the clients, presence-core and the emulator.
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, parseSeed, SeedError, startEmulator, type RunningEmulator, type Seed } from '@rollcall/emulator';
import packageJson from '../package.json' with { type: 'json' };
import { detailsCommand, roomsCommand, rosterCommand, statusCommand, watchCommand, type Run } from './commands.js';
import { runDemo } from './demo.js';
import { LISTENING_VENDORS, listenCommand, WEBHOOK_SECRET_ENVIRONMENT } from './listen.js';
import { describeError, EXIT, exitCodeFor, Interrupted, UsageError } from './errors.js';
import { processOut, type Out } from './output.js';
import { CREDENTIAL_HINTS, ENVIRONMENT, REDIS_ENVIRONMENT, VENDOR_NAMES, type Vendor } from './providers.js';

/** A vendor flag, and the vendors it applies to. */
interface VendorFlag {
  flags: string;
  description: (vendors: readonly Vendor[]) => string;
  vendors: readonly Vendor[];
}

const env = (vendors: readonly Vendor[], key: 'accessKeyId' | 'secretAccessKey' | 'securityToken' | 'region') =>
  vendors
    .map((v) => (ENVIRONMENT[v] as Record<string, string>)[key])
    .filter(Boolean)
    .join(' / ');

const VENDOR_FLAGS: readonly VendorFlag[] = [
  { flags: '--access-key-id <id>', vendors: ['volcengine', 'aliyun'], description: (v) => `access key id (env ${env(v, 'accessKeyId')})` },
  { flags: '--secret-access-key <secret>', vendors: ['volcengine', 'aliyun'], description: (v) => `access key secret (env ${env(v, 'secretAccessKey')})` },
  { flags: '--security-token <token>', vendors: ['volcengine', 'aliyun'], description: (v) => `temporary-credential token (env ${env(v, 'securityToken')})` },
  {
    flags: '--im-app-id <id>',
    vendors: ['volcengine'],
    description: () => `IM app, for live groups and conversations (env ${ENVIRONMENT.volcengine.imAppId})`,
  },
  { flags: '--rtc-app-id <id>', vendors: ['volcengine'], description: () => `RTC app, for rooms (env ${ENVIRONMENT.volcengine.rtcAppId})` },
  {
    flags: '--user-ids <int|string>',
    vendors: ['volcengine'],
    description: () => `the IM app's user id type: int (default) or string (env ${ENVIRONMENT.volcengine.userIds})`,
  },
  {
    flags: '--app-id <id>',
    vendors: ['aliyun', 'agora'],
    description: (v) =>
      v
        .map((vendor) =>
          vendor === 'aliyun'
            ? `Alibaba: interactive messaging app (env ${ENVIRONMENT.aliyun.appId})`
            : `Agora: the project's App ID (env ${ENVIRONMENT.agora.appId})`,
        )
        .join('; '),
  },
  {
    flags: '--data-center <dc>',
    vendors: ['aliyun'],
    description: () =>
      `the data center of an app made in today's console, cn-shanghai or ap-southeast-1: its groups are read with the LiveMessage operations, roster included (env ${ENVIRONMENT.aliyun.dataCenter})`,
  },
  { flags: '--sdk-app-id <id>', vendors: ['tencent'], description: () => `SDKAppID (env ${ENVIRONMENT.tencent.sdkAppId})` },
  { flags: '--identifier <admin>', vendors: ['tencent'], description: () => `app administrator (env ${ENVIRONMENT.tencent.identifier})` },
  { flags: '--secret-key <key>', vendors: ['tencent'], description: () => `app secret key (env ${ENVIRONMENT.tencent.secretKey})` },
  { flags: '--customer-id <id>', vendors: ['agora'], description: () => `RESTful API Customer ID (env ${ENVIRONMENT.agora.customerId})` },
  { flags: '--customer-secret <secret>', vendors: ['agora'], description: () => `RESTful API Customer Secret (env ${ENVIRONMENT.agora.customerSecret})` },
];

/** The flags of the vendors a command serves, grouped under each vendor's heading in the help. */
function connectionOptions(command: Command, vendors: readonly Vendor[], { room = true } = {}): Command {
  command.addOption(new Option('--vendor <vendor>', 'where the room lives').choices([...vendors]).makeOptionMandatory());
  if (room) command.requiredOption('--room <room>', 'room, channel, live group or message group id');
  command
    .option('--endpoint <url>', 'base URL instead of the vendor region (e.g. the emulator)')
    .option('--region <region>', `vendor region (env ${env(vendors, 'region')})`)
    .option('--redis <url>', `share the vendor quota with other processes through this Redis (env ${REDIS_ENVIRONMENT})`)
    .option('--json', 'print one JSON document (rows and a summary)')
    .option('--ndjson', 'print one JSON object per line as answers arrive, then a summary line');
  for (const flag of VENDOR_FLAGS) {
    const applies = flag.vendors.filter((v) => vendors.includes(v));
    if (applies.length === 0) continue;
    command.addOption(new Option(flag.flags, flag.description(applies)).helpGroup(`${applies.map((v) => VENDOR_NAMES[v]).join(' and ')}:`));
  }
  return command;
}

/** Stops at the first Ctrl-C (the command prints what it received); a second one exits at once. */
function interruptible(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort(new Interrupted());
  };
  process.on('SIGINT', onSignal);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSignal) };
}

function integerFlag(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(
      `${name} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`} (got ${JSON.stringify(value)})`,
    );
  }
  return n;
}

async function readSeed(file: string): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(`--seed ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--seed ${file}: not JSON (${(error as Error).message})`);
  }
  try {
    return parseSeed(value);
  } catch (error) {
    if (error instanceof SeedError) throw new UsageError(`--seed ${file}: ${error.message}`);
    throw error;
  }
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

/** What the emulator serves, and a command to paste for each vendor. */
function banner(emulator: RunningEmulator): string {
  const { url, credentials: c, world } = emulator;
  const first = (space: keyof RunningEmulator['world']['rooms']) => world.rooms[space].keys().next().value ?? '(none: add one)';
  const conversation = first('volcengine-im');
  const conversationIds = [...(world.rooms['volcengine-im'].get(conversation)?.keys() ?? [])].slice(0, 3).join(',') || '1,2,3';
  const group = first('aliyun');
  const groupIds = [...(world.rooms.aliyun.get(group)?.keys() ?? [])].slice(0, 3).join(',') || 'u1,u2';
  return [
    `rollcall emulator ${packageJson.version} listening on ${url} (Ctrl-C stops it). Demo credentials: they open nothing else.`,
    // Installed in a project (not globally), the command is on no PATH: npx finds it there.
    'Commands to try (installed in a project rather than globally, start each with npx):',
    '',
    `Volcengine: IM app ${world.volcengineImAppId} (live groups: ${world.rooms['volcengine-im'].size}), RTC app ${world.volcengineRtcAppId} (rooms: ${world.rooms['volcengine-rtc'].size})`,
    `  rollcall status --vendor volcengine --endpoint ${url} --access-key-id ${c.volcengine.accessKeyId} --secret-access-key ${c.volcengine.secretAccessKey} --im-app-id ${world.volcengineImAppId} --room ${conversation} --users ${conversationIds}`,
    `  rollcall roster --vendor volcengine --endpoint ${url} --access-key-id ${c.volcengine.accessKeyId} --secret-access-key ${c.volcengine.secretAccessKey} --rtc-app-id ${world.volcengineRtcAppId} --room ${first('volcengine-rtc')}`,
    `Alibaba Cloud: app ${world.aliyunAppId} (groups: ${world.rooms.aliyun.size})`,
    `  rollcall status --vendor aliyun --endpoint ${url} --access-key-id ${c.aliyun.accessKeyId} --secret-access-key ${c.aliyun.accessKeySecret} --app-id ${world.aliyunAppId} --room ${group} --users ${groupIds}`,
    `Tencent Cloud: SDKAppID ${c.tencent.sdkAppId}, administrator ${c.tencent.identifier} (rooms: ${world.rooms.tencent.size})`,
    `  rollcall roster --vendor tencent --endpoint ${url} --sdk-app-id ${c.tencent.sdkAppId} --identifier ${c.tencent.identifier} --secret-key ${c.tencent.secretKey} --room ${first('tencent')}`,
    `Agora: App ID ${world.agoraAppId}, Customer ID ${c.agora.customerId} (channels: ${world.rooms.agora.size})`,
    `  rollcall rooms --vendor agora --endpoint ${url} --customer-id ${c.agora.customerId} --customer-secret ${c.agora.customerSecret} --app-id ${world.agoraAppId}`,
    `  rollcall roster --vendor agora --endpoint ${url} --customer-id ${c.agora.customerId} --customer-secret ${c.agora.customerSecret} --app-id ${world.agoraAppId} --room ${first('agora')}`,
    '',
  ].join('\n');
}

async function emulatorCommand(out: Out, flags: { host: string; port: string; seed?: string; rooms: string; members: string; qps: boolean }): Promise<number> {
  const port = integerFlag('--port', flags.port, 0, 65535);
  const rooms = integerFlag('--rooms', flags.rooms, 0);
  const members = integerFlag('--members', flags.members, 0);
  const seed = flags.seed ? await readSeed(flags.seed) : generateSeed(rooms, members);
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator({ host: flags.host, port, seed, qps: flags.qps ? 'enforce' : 'off' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port}: ${flags.host}:${port} is already in use (--port 0 picks a free port)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES')
      throw new UsageError(`--host ${flags.host} --port ${port}: cannot listen there (${code})`);
    throw error;
  }
  out.write(`${emulator.url}\n`);
  if (!isLoopback(flags.host)) {
    out.error(
      `rollcall: warning: listening on ${flags.host}, beyond this machine's loopback: anyone who can reach it can use the emulator and the demo credentials printed below.\n`,
    );
  }
  out.error(banner(emulator));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return EXIT.ok;
}

/** The line after a usage error. */
const usageHint = (command?: string) => `Run 'rollcall${command ? ` ${command}` : ''} --help' for usage.`;

export function buildProgram(out: Out, runOf: (flags: { redis?: string }) => Promise<Run>, setExit: (code: number) => void): Command {
  const program = new Command('rollcall')
    .description('Who is in this room? Ask Volcengine, Alibaba Cloud, Tencent Cloud or Agora, or the local emulator.')
    .version(packageJson.version, '-V, --version', 'print the version')
    .addHelpText(
      'after',
      `\nExit codes: ${EXIT.ok} done, ${EXIT.failure} failed, ${EXIT.usage} bad flags or input, ${EXIT.auth} credentials refused, ${EXIT.notFound} room not found, ${EXIT.throttled} throttled, ${EXIT.incomplete} incomplete (some ids failed, or the vendor listed only part of the room), ${EXIT.interrupted} interrupted (Ctrl-C; what was received is printed).`,
    )
    .exitOverride()
    // A usage error is one line, as gh prints it, with where to look: not the whole help.
    .configureOutput({
      outputError: (text, write) => write(`rollcall: ${text.replace(/^error: /, '').replace(/\n\(Did you mean (.+)\?\)\n$/, ' (did you mean $1?)\n')}`),
    })
    .showHelpAfterError(usageHint());
  const users = (command: Command) =>
    command.option('--users <ids>', 'comma-separated user ids').option('--users-file <file>', 'file of user ids, one per line (- for standard input)');

  users(
    connectionOptions(program.command('status').description('whether users are in a room (Volcengine live groups, Alibaba message groups, Agora channels)'), [
      'volcengine',
      'aliyun',
      'agora',
    ]),
  ).action(async (flags) => setExit(await statusCommand(await runOf(flags), flags)));

  connectionOptions(
    program
      .command('roster')
      .description("everyone in a room (Tencent live rooms, Volcengine RTC rooms, Agora channels, groups of Alibaba apps of today's console)"),
    ['tencent', 'volcengine', 'agora', 'aliyun'],
  )
    .option('--max <n>', 'stop after this many members')
    .action(async (flags) => setExit(await rosterCommand(await runOf(flags), flags)));

  connectionOptions(program.command('rooms').description("a project's live rooms with their member counts (Agora channels)"), ['agora'], { room: false })
    .option('--max <n>', 'stop after this many rooms')
    .action(async (flags) => setExit(await roomsCommand(await runOf(flags), flags)));

  users(connectionOptions(program.command('details').description('member details (Volcengine conversations)'), ['volcengine'])).action(async (flags) =>
    setExit(await detailsCommand(await runOf(flags), flags)),
  );

  users(
    connectionOptions(program.command('watch').description('who joins and leaves a room, until Ctrl-C (a roster, or --users for status-only vendors)'), [
      'tencent',
      'volcengine',
      'aliyun',
      'agora',
    ]),
  )
    .option('--interval <seconds>', 'time between polls (never faster than the vendor refreshes)')
    .action(async (flags) => setExit(await watchCommand(await runOf(flags), flags)));

  program
    .command('emulator')
    .description('run the local vendor emulator until interrupted')
    .option('--host <host>', 'address to listen on (beyond loopback, anyone who reaches it can use it)', '127.0.0.1')
    .option('--port <port>', 'port (0: any free one)', '4010')
    .option('--seed <file>', 'seed data (JSON; see the emulator README)')
    .option('--rooms <n>', 'generate this many rooms per vendor', '3')
    .option('--members <n>', 'members per generated room', '100')
    .option('--no-qps', "do not enforce the vendors' QPS limits")
    .action(async (flags) => setExit(await emulatorCommand(out, flags)));

  program
    .command('listen')
    .description("receive a vendor's join/leave callbacks: verify, answer, and print each roster change as NDJSON")
    .option('--vendor <vendor>', `whose callbacks: ${LISTENING_VENDORS.join(', ')}`)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0: any free one)', '8080')
    .option('--webhook-secret <secret>', `the callback secret (Tencent: the callback token) (env ${WEBHOOK_SECRET_ENVIRONMENT})`)
    .option('--sdk-app-id <id>', `Tencent: this app's SDKAppID (env ${ENVIRONMENT.tencent.sdkAppId})`)
    .option('--app-id <id>', `Volcengine: this RTC app's AppId, other apps' callbacks refused (env ${ENVIRONMENT.volcengine.rtcAppId})`)
    .option('--redis <url>', `keep the rosters in Redis, shared by a fleet of listeners (env ${REDIS_ENVIRONMENT})`)
    .action(async (flags) => setExit(await listenCommand(out, flags, integerFlag('--port', flags.port, 0, 65535))));

  program
    .command('demo')
    .description('start the emulator with demo data, ask all four vendors, stop it')
    .action(async () => setExit(await runDemo(out)));

  for (const command of program.commands) command.showHelpAfterError(usageHint(command.name()));
  return program;
}

export async function main(argv: string[], out: Out = processOut): Promise<number> {
  let exitCode: number = EXIT.ok;
  let vendor: string | undefined;
  let commandName: string | undefined;
  let shared: { close(): Promise<void> } | undefined;
  const interrupt = interruptible();
  const program = buildProgram(
    out,
    async (flags) => {
      const redisUrl = flags.redis ?? process.env[REDIS_ENVIRONMENT];
      if (!redisUrl) return { out, env: process.env, signal: interrupt.signal };
      let where: string;
      try {
        where = new URL(redisUrl).host;
      } catch {
        throw new UsageError(`--redis must be a redis:// URL (got ${JSON.stringify(redisUrl.replace(/\/\/[^@/]*@/, '//…@'))})`);
      }
      // Loaded only when asked for: a job that does not share its quota needs no Redis client.
      const { RedisLimiterRegistry } = await import('@rollcall/limiter-redis');
      const limiters = new RedisLimiterRegistry({
        url: redisUrl,
        onModeChange: ({ mode, key }) =>
          out.error(
            mode === 'local'
              ? `rollcall: Redis at ${where} is not answering: ${key.operation} goes on with this process's share of the quota until it does.\n`
              : `rollcall: Redis at ${where} answers again: ${key.operation} shares the quota through it.\n`,
          ),
      });
      shared = limiters;
      return { out, env: process.env, signal: interrupt.signal, limiters };
    },
    (code) => {
      exitCode = code;
    },
  );
  program.hook('preAction', (_program, action) => {
    vendor = action.opts().vendor;
    commandName = action.name();
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return EXIT.ok;
    if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.usage;
    const exit = exitCodeFor(error);
    out.error(`rollcall: ${describeError(error, { vendor, credentialHints: CREDENTIAL_HINTS })}\n${exit === EXIT.usage ? `${usageHint(commandName)}\n` : ''}`);
    return exit;
  } finally {
    interrupt.dispose();
    await shared?.close();
  }
}

// A reader that goes away (`| head`) ends the command quietly: what it wanted, it has.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});
// Messages nobody reads (stderr closed, or a pipe whose reader left) change nothing: the exit code
// stays the command's own (a usage error is 2 whether or not its message could be written).
process.stderr.on('error', () => undefined);
process.exitCode = await main(process.argv);
