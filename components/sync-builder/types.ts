/** The sync builder's shapes: what the page hands it and what its steps edit. Client-safe. */
import type { CanvasState } from "@/components/mapping-canvas/model";
import type { DatasetColumn } from "@/lib/datasets/definition";
import type { ChannelKind } from "@/lib/notify/channels";
import type { AlertRules } from "@/lib/notify/rules";
import type { FilterGroup } from "@/lib/segment/schema";
import type { ConsentRule } from "@/lib/sync/config";
import type { DeletionLimit } from "@/lib/sync/deletion-limit";
import type { Schedule } from "@/lib/sync/schedule";
import type { OnLeave, ReplaceStrategy, RunMode } from "@/lib/vocabulary";

export type BuilderDataset = { id: string; name: string; columns: DatasetColumn[] };
export type BuilderConnection = { id: string; name: string; connector: string };
export type BuilderChannel = { id: string; name: string; kind: ChannelKind };
export type Settings = {
  name: string;
  onLeave: OnLeave;
  mode: RunMode;
  replaceStrategy: ReplaceStrategy | null;
  schedule: Schedule;
  enabled: boolean;
  alerts: AlertRules;
  consent: ConsentRule | null;
  deletionLimit: DeletionLimit;
};
export type BuilderInitial = { id?: string; createdAt?: string; datasetId?: string; filter: FilterGroup; connectionId?: string; object?: string; canvas: CanvasState; settings: Settings };

/** The first problem of a field of the sync, from the last refused save. */
export type FieldError = (path: string) => string | undefined;
