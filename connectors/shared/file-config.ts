/** Settings every file destination shares: where the file goes, how it is named and how the CSV is written. Client-safe. */
import { z } from "zod";
import type { ConnectorManifest } from "../types";

export const FILE_NAME_TOKENS = {
  "{date}": "the run's date, 2026-11-27 (UTC)",
  "{time}": "the run's time, 061500 (UTC)",
  "{datetime}": "both, 20261127T061500Z",
  "{run}": "the run's id (first 8 characters)",
  "{sync}": "the sync's id (first 8 characters)",
} as const;

export const delimiters = { comma: ",", semicolon: ";", tab: "\t", pipe: "|" } as const;

export const fileSettingsShape = {
  folder: z.string().trim().min(1).max(500).default("/").describe("The remote folder the files go to, such as /upload/relay"),
  fileName: z
    .string()
    .trim()
    .min(1, "Enter a file name")
    .max(200)
    .regex(/^[^/\\]+$/, "A file name, without folders")
    .default("relay.csv")
    .describe(`The file a sync writes: a fixed name (replaced each run) or a template: ${Object.keys(FILE_NAME_TOKENS).join(" ")}. A source does not use it: its imports name the files they read`),
  previousFiles: z.enum(["keep", "remove"]).default("keep").describe("With a template: remove this file's earlier versions once the new one is complete"),
  delimiter: z.enum(Object.keys(delimiters) as [keyof typeof delimiters, ...(keyof typeof delimiters)[]]).default("comma"),
  bom: z.boolean().default(false).describe("Start the file with a UTF-8 byte order mark (for Excel)"),
  gzip: z.boolean().default(false).describe("Compress the file (.gz is added to the name)"),
};

export type FileSettings = { folder: string; fileName: string; previousFiles: "keep" | "remove"; delimiter: keyof typeof delimiters; bom: boolean; gzip: boolean };

export const fileManifestBase = {
  category: "file" as const,
  objectNoun: "file",
  batchSize: 5_000,
  // The file is written under a temporary name and renamed when complete: a replayed run writes it again, whole.
  idempotentWrites: true,
  results: "run" as const,
  modes: ["incremental", "replace"] as ConnectorManifest["modes"],
  replace: "whole" as const,
  onLeaveDelete: true,
  replaceStrategies: [] as ConnectorManifest["replaceStrategies"],
};
