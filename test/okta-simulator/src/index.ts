export { type OktaErrorBody, oktaError } from './errors.js';
export type { Faults } from './faults.js';
export {
  type GeneratedOrg,
  type GenerateOptions,
  generateOrg,
  type IssuedToken,
} from './generate/generate-org.js';
export { type OrgCounts, SIZE_PRESETS, type SizePreset } from './generate/presets.js';
export { createRng, deriveSeed, type Rng } from './generate/prng.js';
export * from './model.js';
export { type OAuthStats, scopeGranted, TOKEN_PATH } from './oauth.js';
export type { RequestCounts, RequestLogEntry } from './org.js';
export {
  type AppUserEntry,
  type NewServiceAppInput,
  OrgStore,
  type ServiceAppPatch,
  StoreNotFoundError,
} from './org-store.js';
export { encodeCursor, PAGE_SIZES, type PagedDataset } from './paging.js';
export {
  type Bucket,
  bucketOf,
  RATE_LIMIT_PROFILES,
  type RateLimitProfileName,
  type RateLimitSettings,
} from './rate-limit.js';
export {
  createSimulatorServer,
  type RunningSimulator,
  type StartOptions,
  startOktaSimulator,
} from './server.js';
export { type CreateOrgOptions, OktaSimulator, OrgHandle, type SimulatorOptions } from './simulator.js';
export {
  type MinimumCalls,
  minimumCallsOf,
  type OrgSnapshot,
  type PageSizes,
  snapshotOf,
} from './snapshot.js';
