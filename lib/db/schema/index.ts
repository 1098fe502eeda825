export * from "./workspaces";
export * from "./entities";
export * from "./datasets";
export * from "./syncs";
export * from "./runs";
export * from "./api-keys";
export * from "./auth";
export * from "./notifications";
