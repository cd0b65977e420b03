import { packageBuild } from '../../tools/build/tsup-package.mjs';

// Node only: it talks to Redis over TCP.
export default packageBuild({ nodeOnly: true });
