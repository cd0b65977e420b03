import { packageBuild } from '../../tools/build/tsup-package.mjs';

export default packageBuild({ modules: true });
