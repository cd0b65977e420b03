// The READMEs' TypeScript examples are what a person copies first: every ```ts block of every README
// is compiled, strictly, against the packages as npm installs them from their tarballs. A block may
// lean on names an earlier block of its README made (or that stand for the reader's own values, like
// APP_ID): those come from CONTEXT below, written into the block's file only when the block uses the
// name and does not make it itself — so a block that declares its own values is checked as written.
// The one example that needs no vendor account (the emulator's) is also run, and prints what it says.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshApp, publishablePackages, root, run } from '@rollcall/test-support/tarballs';

const tarballs = inject('tarballs');
const rootManifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
/** What the examples import beyond rollcall: Node's types, OpenTelemetry's API (the runtime's optional peer), Fastify. */
const THIRD_PARTY = [
  `@types/node@${rootManifest.devDependencies['@types/node']}`,
  `@opentelemetry/api@${rootManifest.devDependencies['@opentelemetry/api']}`,
  'fastify@5.12.8',
];

/** The reader's own values and what earlier blocks made, by name (aliased imports: a block may import the same names). */
const CONTEXT: Record<string, string> = {
  APP_ID: 'declare const APP_ID: string;',
  appId: 'declare const appId: string;',
  imAppId: 'declare const imAppId: number;',
  accessKeyId: 'declare const accessKeyId: string;',
  secretAccessKey: 'declare const secretAccessKey: string;',
  accessKeySecret: 'declare const accessKeySecret: string;',
  secretKey: 'declare const secretKey: string;',
  customerId: 'declare const customerId: string;',
  customerSecret: 'declare const customerSecret: string;',
  manyUserIds: 'declare const manyUserIds: string[];',
  userIds: 'declare const userIds: string[];',
  file: 'declare const file: string;',
  out: 'declare const out: { write(text: string): void };',
  readIdsLineByLine: 'declare function readIdsLineByLine(file: string): AsyncIterable<string>;',
  metrics: 'declare const metrics: { count(name: string, labels: Record<string, string>): void };',
  log: 'declare const log: { warn(fields: object): void };',
  myRedisLimiter: "declare function myRedisLimiter(key: import('@rollcall/presence-core').LimiterKey): import('@rollcall/presence-core').RateLimiter;",
  createPresence: "import { createPresence } from '@rollcall/presence-core';",
  createVolcengineRtcClient: "import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';",
  LimiterRegistry: "import { LimiterRegistry } from '@rollcall/presence-core';",
  verifyAgoraWebhook: "import { verifyAgoraWebhook } from '@rollcall/agora-rtc';",
  agoraWebhookReply: "import { agoraWebhookReply } from '@rollcall/agora-rtc';",
  fastify: "import __fastify from 'fastify'; const fastify = __fastify();",
  credentials: 'declare const credentials: { accessKeyId: string; secretAccessKey: string };',
  presence:
    "import { createPresence as __createPresence } from '@rollcall/presence-core'; import { volcengine as __volcengine } from '@rollcall/presence-core/volcengine';\n" +
    'const presence = __createPresence(__volcengine({ credentials: { accessKeyId: process.env.VOLC_ACCESSKEY!, secretAccessKey: process.env.VOLC_SECRETKEY! }, imAppId: 583401 }));',
  provider:
    "import { volcengine as __volcengineProvider } from '@rollcall/presence-core/volcengine';\n" +
    'const provider = __volcengineProvider({ credentials: { accessKeyId: process.env.VOLC_ACCESSKEY!, secretAccessKey: process.env.VOLC_SECRETKEY! }, imAppId: 583401 });',
};

/** Per README, names whose context differs from the shared one (each vendor's `credentials`). */
const CONTEXT_BY_README: Record<string, Record<string, string>> = {
  'packages/presence-core/README.md': {
    credentials: 'declare const credentials: { customerId: string; customerSecret: string };',
  },
};

interface Block {
  readme: string;
  /** 1-based: the block's place among its README's ```ts blocks. */
  index: number;
  /** The README line the block's code starts on. */
  line: number;
  code: string;
}

/** Every ```ts block of the READMEs a user reads: the repository's and each package's. */
async function readmeBlocks(): Promise<Block[]> {
  const readmes = ['README.md', ...(await readdir(path.join(root, 'packages'))).sort().map((dir) => `packages/${dir}/README.md`)];
  const blocks: Block[] = [];
  for (const readme of readmes) {
    const text = await readFile(path.join(root, readme), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const lines = text.split('\n');
    let index = 0;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] !== '```ts') continue;
      const end = lines.indexOf('```', i + 1);
      blocks.push({ readme, index: ++index, line: i + 2, code: lines.slice(i + 1, end).join('\n') });
      i = end;
    }
  }
  return blocks;
}

/** Names a block makes itself: imported, or declared at its top level. */
function madeBy(code: string): Set<string> {
  const names = new Set<string>();
  for (const [, list] of code.matchAll(/^import\s*(?:type\s*)?\{([^}]*)\}\s*from/gm)) {
    for (const item of list!.split(',')) {
      const name = item
        .trim()
        .split(/\s+as\s+/)
        .at(-1);
      if (name) names.add(name);
    }
  }
  for (const [, name] of code.matchAll(/^import\s+(\w+)\s+from/gm)) names.add(name!);
  for (const [, name] of code.matchAll(/^(?:export\s+)?(?:const|let|function|class)\s+(\w+)/gm)) names.add(name!);
  for (const [, list] of code.matchAll(/^(?:export\s+)?(?:const|let)\s+\{([^}]*)\}\s*=/gm)) {
    for (const item of list!.split(',')) names.add(item.trim().split(':').at(-1)!.trim());
  }
  return names;
}

/** The block as a module: the context it needs, then the block as written. */
function blockModule(block: Block): string {
  const made = madeBy(block.code);
  const context = { ...CONTEXT, ...CONTEXT_BY_README[block.readme] };
  const needed = Object.entries(context)
    .filter(([name]) => !made.has(name) && new RegExp(`(?<![\\w.'"])${name}\\b`).test(block.code))
    .map(([, code]) => code);
  return [`// ${block.readme}, block ${block.index} (line ${block.line})`, ...needed, block.code, 'export {};', ''].join('\n');
}

const blocks = await readmeBlocks();
let app: string;
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'rollcall-readme-'));
  const ours = publishablePackages()
    .filter((pkg) => pkg.name !== '@rollcall/cli')
    .map((pkg) => tarballs[pkg.name]!);
  app = await freshApp(workDir, 'readme', [...ours, ...THIRD_PARTY]);
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("the READMEs' TypeScript examples, against the packages installed from their tarballs", () => {
  it('finds the examples', () => {
    // Every package with a library README has at least one; a change of fence must not empty this test.
    expect(blocks.length).toBeGreaterThanOrEqual(20);
    expect(new Set(blocks.map((b) => b.readme)).size).toBeGreaterThanOrEqual(8);
  });

  it('every example type-checks strictly (nodenext, no skipLibCheck)', async () => {
    const files = blocks.map((block) => `${block.readme.replace(/^packages\//, '').replace(/\/?README\.md$/, '') || 'root'}-${block.index}.ts`);
    await Promise.all(blocks.map((block, i) => writeFile(path.join(app, files[i]!), blockModule(block))));
    const compilerOptions = {
      strict: true,
      noEmit: true,
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['es2022'],
      types: ['node'],
    };
    await writeFile(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
    const output = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).then(
      () => '',
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}` || 'tsc failed',
    );
    // Each error names its file (`<package>-<block>.ts`, its first line says which README line).
    expect(output).toBe('');
  });

  it("the emulator's example, the one that needs no vendor account, runs to its end as written", async () => {
    const block = blocks.find((b) => b.readme === 'packages/emulator/README.md')!;
    await writeFile(path.join(app, 'emulator-run.ts'), blockModule(block));
    // It starts an emulator, asks for two members of a live group with the demo credentials, prints
    // what the comment beside it says, and closes.
    const result = await run(path.join(root, 'node_modules/.bin/tsx'), ['emulator-run.ts'], { cwd: app }).then(
      ({ stdout }) => stdout,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    const printed = /console\.log\(.*\); \/\/ (.*)$/m.exec(block.code)?.[1];
    expect(printed).toBe("[ [ '1847260331508621312', true ], [ '6812345672', true ] ]");
    expect(result).toBe(`${printed}\n`);
  });
});
