/** The TVM-environment layer: parse a spec, provision it, and ask it what TVM it holds. */
export { parseEnvSpec, type EnvSpec } from './spec.js';
export { loadReleases, newestRelease, resolveRelease, type Release } from './releases.js';
export { cacheRoot, resolveEnv, type ProvisionOptions, type PythonEnv } from './resolve.js';
export { inspectEnv, type Capabilities, type EnvInfo, type Fingerprint } from './fingerprint.js';
