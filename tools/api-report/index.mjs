// API reports: every entry point of every published package, as @microsoft/api-extractor reads
// its built declarations, written to `packages/<name>/api/<entry>.api.md` and committed. A change
// to what a package exports shows in review as a change to its report; `--check` (CI, the test)
// fails when a report differs from the build, so none changes unseen.
//   node tools/api-report/index.mjs [--check]      (after `turbo run build`)
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every published entry point: package folder, subpath, its declarations, its report's name. */
export async function entryPoints() {
  const out = [];
  for (const folder of (await readdir(path.join(root, 'packages'))).sort()) {
    const dir = path.join(root, 'packages', folder);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      if (typeof target !== 'object' || !target.types) continue;
      const name = subpath === '.' ? 'index' : subpath.slice(2).replaceAll('/', '-');
      out.push({ folder, dir, subpath, types: path.join(dir, target.types), report: `${name}.api.md` });
    }
  }
  return out;
}

/** Runs api-extractor on one entry point; `check` compares with the committed report instead of writing it. */
export async function report(entry, { check }) {
  const temp = await mkdtemp(path.join(tmpdir(), 'rollcall-api-'));
  if (!check) await mkdir(path.join(entry.dir, 'api'), { recursive: true });
  try {
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: entry.dir,
        mainEntryPointFilePath: entry.types,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: 'es2022',
              module: 'esnext',
              moduleResolution: 'bundler',
              preserveSymlinks: true,
              lib: ['es2022', 'dom'],
              types: ['node'],
              skipLibCheck: true,
              strict: true,
            },
          },
        },
        apiReport: { enabled: true, reportFolder: path.join(entry.dir, 'api'), reportTempFolder: temp, reportFileName: entry.report },
        newlineKind: 'lf',
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          // The report is the point; doc-comment style and release tags are not enforced here.
          extractorMessageReporting: { default: { logLevel: 'none' }, 'ae-missing-release-tag': { logLevel: 'none' } },
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: path.join(entry.dir, 'package.json'),
    });
    const result = Extractor.invoke(config, {
      localBuild: !check,
      showVerboseMessages: false,
      // Its own chatter ("Analysis will use the bundled TypeScript…") is not news.
      messageCallback: (message) => {
        if (message.logLevel === 'none' || message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true;
      },
    });
    return { succeeded: result.succeeded, changed: result.apiReportChanged, errors: result.errorCount };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  let failed = 0;
  for (const entry of await entryPoints()) {
    const where = `packages/${entry.folder}/api/${entry.report}`;
    const outcome = await report(entry, { check });
    if (check && (outcome.changed || !outcome.succeeded)) {
      console.error(`${where}: the exported API differs from its committed report (run node tools/api-report/index.mjs and commit it)`);
      failed++;
    } else if (!outcome.succeeded) {
      console.error(`${where}: api-extractor failed (${outcome.errors} errors)`);
      failed++;
    } else if (outcome.changed) console.log(`wrote ${where}`);
  }
  process.exit(failed ? 1 : 0);
}
