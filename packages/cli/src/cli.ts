// rollcall: the command-line face of the clients, presence-core and the emulator.
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { DEMO_CREDENTIALS, generateSeed, startEmulator, type Seed } from '@rollcall/emulator';
import { detailsCommand, rosterCommand, statusCommand } from './commands.js';
import { runDemo } from './demo.js';
import { describeError, EXIT, exitCodeFor } from './errors.js';
import { processOut } from './output.js';
import { ENVIRONMENT } from './providers.js';

function connectionOptions(command: Command, vendors: readonly string[]): Command {
  return command
    .addOption(new Option('--vendor <vendor>', 'where the room lives').choices([...vendors]).makeOptionMandatory())
    .requiredOption('--room <room>', 'room, live group or message group id')
    .option('--endpoint <url>', 'base URL instead of the vendor region (e.g. the emulator)')
    .option('--region <region>', 'vendor region')
    .option('--access-key-id <id>', `Volcengine / Alibaba access key id (env ${ENVIRONMENT.volcengine.accessKeyId} / ${ENVIRONMENT.aliyun.accessKeyId})`)
    .option(
      '--secret-access-key <secret>',
      `Volcengine / Alibaba secret (env ${ENVIRONMENT.volcengine.secretAccessKey} / ${ENVIRONMENT.aliyun.secretAccessKey})`,
    )
    .option('--security-token <token>', 'temporary-credential token')
    .option('--app-id <id>', `Alibaba interactive messaging app (env ${ENVIRONMENT.aliyun.appId})`)
    .option('--im-app-id <id>', `Volcengine IM app, for live groups (env ${ENVIRONMENT.volcengine.imAppId})`)
    .option('--rtc-app-id <id>', `Volcengine RTC app, for rooms (env ${ENVIRONMENT.volcengine.rtcAppId})`)
    .option('--user-ids <int|string>', `Volcengine IM app's user id type: int (default) or string (env ${ENVIRONMENT.volcengine.userIds})`)
    .option('--sdk-app-id <id>', `Tencent SDKAppID (env ${ENVIRONMENT.tencent.sdkAppId})`)
    .option('--identifier <admin>', `Tencent app administrator (env ${ENVIRONMENT.tencent.identifier})`)
    .option('--secret-key <key>', `Tencent app secret key (env ${ENVIRONMENT.tencent.secretKey})`)
    .option('--json', 'print JSON')
    .option('--ndjson', 'print one JSON object per line');
}

export function buildProgram(): Command {
  const program = new Command('rollcall')
    .description('Who is in this room? Ask Volcengine, Alibaba Cloud or Tencent Cloud, or the local emulator.')
    .showHelpAfterError()
    .exitOverride();

  connectionOptions(program.command('status').description('whether users are in a room (Volcengine live groups, Alibaba message groups)'), [
    'volcengine',
    'aliyun',
  ])
    .option('--users <ids>', 'comma-separated user ids')
    .option('--users-file <file>', 'file of user ids, one per line')
    .action((flags) => statusCommand(processOut, process.env, flags));

  connectionOptions(program.command('roster').description('everyone in a room (Tencent live rooms, Volcengine RTC rooms)'), ['tencent', 'volcengine'])
    .option('--max <n>', 'stop after this many members')
    .action((flags) => rosterCommand(processOut, process.env, flags));

  connectionOptions(program.command('details').description('member details (Volcengine conversations)'), ['volcengine'])
    .option('--users <ids>', 'comma-separated user ids')
    .option('--users-file <file>', 'file of user ids, one per line')
    .action((flags) => detailsCommand(processOut, process.env, flags));

  program
    .command('emulator')
    .description('run the local vendor emulator until interrupted')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0: any free one)', '4010')
    .option('--seed <file>', 'seed data (JSON)')
    .option('--rooms <n>', 'generate this many rooms per vendor', '3')
    .option('--members <n>', 'members per generated room', '100')
    .option('--no-qps', "do not enforce the vendors' QPS limits")
    .action(async (flags) => {
      const seed: Seed = flags.seed ? JSON.parse(await readFile(flags.seed, 'utf8')) : generateSeed(Number(flags.rooms), Number(flags.members));
      const emulator = await startEmulator({ host: flags.host, port: Number(flags.port), seed, qps: flags.qps ? 'enforce' : 'off' });
      processOut.write(`${emulator.url}\n`);
      processOut.error(
        `rollcall emulator listening on ${emulator.url}\n` +
          `credentials: Volcengine ${DEMO_CREDENTIALS.volcengine.accessKeyId}/${DEMO_CREDENTIALS.volcengine.secretAccessKey}, ` +
          `Alibaba ${DEMO_CREDENTIALS.aliyun.accessKeyId}/${DEMO_CREDENTIALS.aliyun.accessKeySecret}, ` +
          `Tencent ${DEMO_CREDENTIALS.tencent.sdkAppId}/${DEMO_CREDENTIALS.tencent.identifier}/${DEMO_CREDENTIALS.tencent.secretKey}\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await emulator.close();
    });

  program
    .command('demo')
    .description('start the emulator with demo data, ask all three vendors, stop it')
    .action(() => runDemo(processOut));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return EXIT.ok;
    if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.usage;
    processOut.error(`rollcall: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

process.exitCode = await main(process.argv);
