// `npm run size`: the clients packed and installed as npm installs them, one call of each bundled
// and measured (bench/size/measure.ts), written to bench/results/size.md; `npm run size` then
// writes the READMEs' size figures from that file (tools/readme-figures).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshApp, packPublishable, withSiblings } from '@rollcall/test-support/tarballs';
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
  console.log(`wrote ${path.relative(process.cwd(), SIZE_RESULTS)}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
