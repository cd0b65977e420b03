import { packageBuild } from '../../tools/build/tsup-package.mjs';

// One entry per provider, so that importing a provider needs only that vendor's package.
export default packageBuild({
  entry: {
    index: 'src/index.ts',
    volcengine: 'src/providers/volcengine.ts',
    aliyun: 'src/providers/aliyun.ts',
    tencent: 'src/providers/tencent.ts',
    agora: 'src/providers/agora.ts',
  },
  splitting: true,
});
