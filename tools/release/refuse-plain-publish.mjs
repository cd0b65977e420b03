// `prepublishOnly` of every published package. In the workspace, dependencies on sibling packages
// are written `workspace:^`; only `pnpm publish` (which `changeset publish` runs here) replaces them
// with real ranges. A plain `npm publish` would ship them as they are, and every install of the
// package would fail with EUNSUPPORTEDPROTOCOL, so it is refused.
//
// The client is told by `npm_execpath`, which each package manager sets to itself for the scripts
// it runs (`npm_config_user_agent` is not reliable: npm keeps one inherited from an outer pnpm).
import path from 'node:path';

const byPnpm = /^pnpm(\.c?js)?$/.test(path.basename(process.env.npm_execpath ?? ''));
if (!byPnpm) {
  const name = process.env.npm_package_name ?? 'this package';
  console.error(
    `Refusing to publish ${name} with ${process.env.npm_execpath ?? 'this client'}: its package.json has workspace: ranges ` +
      'that only pnpm rewrites. Release from the repository root with `npx -y pnpm@12.4.2 release` ' +
      '(changeset publish through pnpm), after `npx -y pnpm@12.4.2 version-packages`.',
  );
  process.exit(1);
}
