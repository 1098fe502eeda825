import "server-only";
import type { AnyRouteSpec } from "../route";
import { createConnectionRoute, deleteConnectionRoute, getConnectionRoute, listConnectionsRoute, listFieldsRoute, listObjectsRoute, updateConnectionRoute } from "./connections";
import { listDatasets, previewSegmentRoute } from "./datasets";
import { eraseEntityRecords, upsertEntityRecords } from "./entities";
import { cancelRunRoute, confirmRunRoute, discardRunRoute, exportRunRecordsRoute, getRunRoute, listRunRecordsRoute, resendRecordsRoute } from "./runs";
import { createSyncRoute, deleteSyncRoute, getSyncRoute, listSyncsRoute, startRunRoute, updateSyncRoute } from "./syncs";
import {
  addSourceRoute,
  cancelImportRunRoute,
  createImportRoute,
  deleteImportRoute,
  exportImportsRoute,
  getImportRoute,
  getImportRunRoute,
  importImportsRoute,
  listImportRejectsRoute,
  listImportRunsRoute,
  listImportsRoute,
  listSourcesRoute,
  previewImportRoute,
  removeSourceRoute,
  startImportRunRoute,
  updateImportRoute,
} from "./sources";
import { exportSyncsRoute, importSyncsRoute } from "./transfer";

/** Every endpoint of the REST API v1, for its OpenAPI document. */
export const v1Routes: AnyRouteSpec[] = [
  listDatasets,
  previewSegmentRoute,
  upsertEntityRecords,
  eraseEntityRecords,
  listConnectionsRoute,
  createConnectionRoute,
  getConnectionRoute,
  updateConnectionRoute,
  deleteConnectionRoute,
  listObjectsRoute,
  listFieldsRoute,
  listSyncsRoute,
  createSyncRoute,
  getSyncRoute,
  updateSyncRoute,
  deleteSyncRoute,
  exportSyncsRoute,
  importSyncsRoute,
  startRunRoute,
  getRunRoute,
  listRunRecordsRoute,
  cancelRunRoute,
  confirmRunRoute,
  discardRunRoute,
  resendRecordsRoute,
  exportRunRecordsRoute,
  listSourcesRoute,
  addSourceRoute,
  removeSourceRoute,
  previewImportRoute,
  listImportsRoute,
  createImportRoute,
  getImportRoute,
  updateImportRoute,
  deleteImportRoute,
  exportImportsRoute,
  importImportsRoute,
  startImportRunRoute,
  listImportRunsRoute,
  getImportRunRoute,
  cancelImportRunRoute,
  listImportRejectsRoute,
];
