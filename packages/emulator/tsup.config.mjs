import { packageBuild } from '../../tools/build/tsup-package.mjs';

// Node only (it is an HTTP server); the vendor signers it checks with are bundled in, so the
// package installs on its own.
export default packageBuild({
  bundle: ['@rollcall/internal', '@rollcall/volcengine-rtc', '@rollcall/aliyun-live', '@rollcall/tencent-live'],
  nodeOnly: true,
});
