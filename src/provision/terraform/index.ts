// provider: terraform — what the rest of meshbench (run, the Action, cleanup) uses.
export { findTerraform, HOW_TO_GET_ONE } from "./binary.ts";
export {
  type DestroyOptions,
  destroyTerraformStateDir,
  TerraformDestroyError,
} from "./destroy.ts";
export {
  checkLifetime,
  checkMaxLifetime,
  cleanupTerraformLeftovers,
  DEFAULT_MAX_LIFETIME_MS,
  defaultStateRoot,
  type LeftoverResult,
  type LifetimeStatus,
  lifetimeExceeded,
  TerraformCleanupError,
} from "./lifetime.ts";
export { type ModuleOutputs, parseOutputs } from "./outputs.ts";
export { type SshKeySource, type TerraformProviderOptions, terraformProvider } from "./provider.ts";
export { type ClusterRecord, readRecord, statePaths } from "./state-dir.ts";
export { EXPIRES_AT_VAR, RESERVED_VARS, RUN_ID_VAR } from "./vars.ts";
