// `npm run size`: the clients packed and installed as npm installs them, one call of each bundled
// and measured (bench/size/measure.ts), written to bench/results/size.md, and what that call runs
// of it (bench/size/executed.ts) to bench/results/size-executed.md; `npm run size` then writes the
// READMEs' size figures from size.md (tools/readme-figures).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshApp, packPublishable, withSiblings } from '@rollcall/test-support/tarballs';
import { startCannedServer } from '../compare/canned.js';
import { EXECUTED_RESULTS, executedResults, measureExecuted } from './executed.js';
import { CLIENT_ENTRIES, budget, measureClients, SIZE_RESULTS, sizeResults } from './measure.js';

const work = await mkdtemp(path.join(tmpdir(), 'rollcall-size-'));
try {
  const tarballs = await packPublishable(path.join(work, 'tarballs'));
  const names = [...new Set(Object.values(CLIENT_ENTRIES).flatMap((name) => withSiblings(name)))];
  const app = await freshApp(
    work,
    'size',
    names.map((name) => tarballs[name]!),
  );
  const sizes = await measureClients(app);
  await writeFile(SIZE_RESULTS, sizeResults(sizes));
  for (const [client, size] of Object.entries(sizes)) {
    console.log(`${client}: ${size.gzip} B gzip (${size.min} B minified) — ${size.packages.join(', ')}`);
  }
  const over = Object.entries(sizes).filter(([, size]) => size.gzip > budget.gzipBytes);
  if (over.length) console.error(`over the budget of ${budget.gzipBytes} B: ${over.map(([client]) => client).join(', ')}`);
  const server = await startCannedServer();
  try {
    const executed = await measureExecuted(app, server.url);
    await writeFile(EXECUTED_RESULTS, executedResults(executed));
    for (const [client, size] of Object.entries(executed)) {
      console.log(`${client}: the call enters ${size.functions} B gzip of its functions, runs ${size.branches} B of its branches`);
    }
  } finally {
    await server.stop();
  }
  console.log(`wrote ${path.relative(process.cwd(), SIZE_RESULTS)} and ${path.relative(process.cwd(), EXECUTED_RESULTS)}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
