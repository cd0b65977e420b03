// `prepublishOnly` of every published package. In the workspace, dependencies on sibling packages
// are written `workspace:^`; only `pnpm publish` (which `changeset publish` runs here) replaces them
// with real ranges. A plain `npm publish` would ship them as they are, and every install of the
// package would fail with EUNSUPPORTEDPROTOCOL, so it is refused.
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  const name = process.env.npm_package_name ?? 'this package';
  console.error(
    `Refusing to publish ${name} with "${agent.split(' ')[0] || 'an unknown client'}": its package.json has workspace: ranges ` +
      'that only pnpm rewrites. Release from the repository root with `npx -y pnpm@12.4.2 release` ' +
      '(changeset publish through pnpm), after `npx -y pnpm@12.4.2 version-packages`.',
  );
  process.exit(1);
}
