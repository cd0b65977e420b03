// `npm run pack`: every publishable package packed as npm would install it (pnpm pack: `workspace:`
// ranges made real), into ./tarballs (or the folder given), and the line that installs them — the
// way to install rollcall before it is on the npm registry.
//   tsx tools/pack/index.ts [destination]
import path from 'node:path';
import { packPublishable, root } from '@rollcall/test-support/tarballs';

const dest = path.resolve(process.argv[2] ?? path.join(root, 'tarballs'));
const tarballs = Object.values(await packPublishable(dest)).sort();
console.log(`Packed ${tarballs.length} packages into ${dest}:`);
for (const tarball of tarballs) console.log(`  ${path.basename(tarball)}`);
console.log(`\nIn your project (the packages need one another: install them together):\n  npm install ${path.join(dest, '*.tgz')}`);
