import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { connectorIds } from "@/connectors/registry";
import { DestinationConfigError } from "@/connectors/types";
import { connections } from "@/lib/db/schema";
import { createConnection, deleteConnection, getConnection, loadConnection, publicConnection, updateConnection } from "@/lib/db/queries/connections";
import { audit } from "@/lib/audit";
import { PublicError } from "@/lib/errors";
import { defineRoute, idParams, pageQuery } from "../route";
import { connectionOut, rateLimit } from "./schemas";

const connectionBody = z.strictObject({
  connector: z.string().refine((id) => connectorIds.includes(id), { error: `Unknown connector: use one of ${connectorIds.join(", ")}` }),
  name: z.string().trim().min(1).max(100),
  settings: z.record(z.string(), z.unknown()),
  secrets: z.record(z.string(), z.unknown()).optional(),
  rateLimit: rateLimit.nullable().optional(),
});

export const createConnectionRoute = defineRoute({
  method: "POST",
  path: "/connections",
  tag: "Connections",
  summary: "Create a connection. For postgres and mysql: settings { host, port, database, user, schema? }, secrets { password? }. Secrets are write-only.",
  body: connectionBody,
  success: 201,
  response: connectionOut,
  handle: async ({ db, workspaceId, actor, body }) => {
    const created = await createConnection(db, { workspaceId, ...body });
    await audit(db, { workspaceId, actor, action: "connection.created", target: { type: "connection", id: created.id, name: created.name } });
    return { data: created };
  },
});

export const listConnectionsRoute = defineRoute({
  method: "GET",
  path: "/connections",
  tag: "Connections",
  summary: "List connections (never their secrets)",
  query: pageQuery,
  response: z.array(connectionOut),
  handle: async ({ db, workspaceId, query }) => {
    const rows = await db.query.connections.findMany({
      where: and(eq(connections.workspaceId, workspaceId), query.cursor ? gt(connections.id, query.cursor) : undefined),
      orderBy: asc(connections.id),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return { data: page.map(publicConnection), nextCursor: rows.length > query.limit ? page.at(-1)!.id : null };
  },
});

export const getConnectionRoute = defineRoute({
  method: "GET",
  path: "/connections/{id}",
  tag: "Connections",
  summary: "A connection (never its secrets)",
  params: idParams,
  response: connectionOut,
  handle: async ({ db, workspaceId, params }) => ({ data: await getConnection(db, { workspaceId, connectionId: params.id }) }),
});

export const updateConnectionRoute = defineRoute({
  method: "PATCH",
  path: "/connections/{id}",
  tag: "Connections",
  summary: "Change a connection. Changing where it points (host, port, database, user) requires the secrets again.",
  params: idParams,
  body: connectionBody.omit({ connector: true }).partial(),
  response: connectionOut,
  handle: async ({ db, workspaceId, actor, params, body }) => {
    const updated = await updateConnection(db, { workspaceId, connectionId: params.id, ...body });
    await audit(db, { workspaceId, actor, action: "connection.updated", target: { type: "connection", id: updated.id, name: updated.name }, details: { fields: Object.keys(body) } });
    return { data: updated };
  },
});

export const deleteConnectionRoute = defineRoute({
  method: "DELETE",
  path: "/connections/{id}",
  tag: "Connections",
  summary: "Delete a connection that no sync uses (409 otherwise)",
  params: idParams,
  response: z.object({ id: z.uuid(), deleted: z.boolean() }),
  handle: async ({ db, workspaceId, actor, params }) => {
    const { name } = await getConnection(db, { workspaceId, connectionId: params.id });
    await deleteConnection(db, { workspaceId, connectionId: params.id });
    await audit(db, { workspaceId, actor, action: "connection.deleted", target: { type: "connection", id: params.id, name } });
    return { data: { id: params.id, deleted: true } };
  },
});

const reach = async <T>(work: () => Promise<T>) => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PublicError) throw error;
    if (error instanceof DestinationConfigError) throw new PublicError(error.message, { status: 404 });
    throw new PublicError(`The destination did not answer: ${(error as Error).message}`, { status: 502 });
  }
};

export const listObjectsRoute = defineRoute({
  method: "GET",
  path: "/connections/{id}/objects",
  tag: "Connections",
  summary: "The objects of the destination a sync can write to (tables, objects, audiences)",
  params: idParams,
  response: z.array(z.object({ name: z.string(), label: z.string() })),
  handle: async ({ db, workspaceId, params }) => {
    const { connector, config } = await loadConnection(db, { workspaceId, connectionId: params.id });
    return { data: await reach(() => connector.listObjects(config)) };
  },
});

export const listFieldsRoute = defineRoute({
  method: "GET",
  path: "/connections/{id}/objects/{object}/fields",
  tag: "Connections",
  summary: "The fields of a destination object, with type, required and key flags",
  params: idParams.extend({ object: z.string().min(1).max(200) }),
  response: z.array(z.object({ name: z.string(), type: z.string(), required: z.boolean(), nullable: z.boolean(), key: z.enum(["primary", "unique"]).optional() })),
  handle: async ({ db, workspaceId, params }) => {
    const { connector, config } = await loadConnection(db, { workspaceId, connectionId: params.id });
    return { data: await reach(() => connector.listFields(config, params.object)) };
  },
});
