import "server-only";
import { z } from "zod";
import { connectorIds } from "@/connectors/registry";
import { addConnection, changeConnection, removeConnection } from "@/lib/connections/manage";
import { connectionsPage, publicConnection, requireConnection } from "@/lib/db/queries/connections";
import { listDestinationFields, listDestinationObjects } from "@/lib/connections/destination";
import { jsonObject, text } from "@/lib/validation/text";
import { defineRoute, idParams, nameParam, pageQuery } from "../route";
import { connectionOut, rateLimit } from "./schemas";

const connectionBody = z.strictObject({
  connector: z.string().refine((id) => connectorIds.includes(id), { error: `Unknown connector: use one of ${connectorIds.join(", ")}` }),
  name: text().trim().min(1).max(100),
  settings: jsonObject,
  secrets: jsonObject.optional(),
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
    return { data: await addConnection(db, { workspaceId, actor, ...body }) };
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
    const { page, nextCursor } = await connectionsPage(db, { workspaceId, ...query });
    return { data: page.map(publicConnection), nextCursor };
  },
});

export const getConnectionRoute = defineRoute({
  method: "GET",
  path: "/connections/{id}",
  tag: "Connections",
  summary: "A connection (never its secrets)",
  params: idParams,
  response: connectionOut,
  handle: async ({ db, workspaceId, params }) => ({ data: await requireConnection(db, { workspaceId, connectionId: params.id }) }),
});

export const updateConnectionRoute = defineRoute({
  method: "PATCH",
  path: "/connections/{id}",
  tag: "Connections",
  summary: "Change a connection. Secrets left out or empty are kept; changing where it points (host, port, database, user, API base URL …) requires the secrets again.",
  params: idParams,
  body: connectionBody.omit({ connector: true }).partial(),
  response: connectionOut,
  handle: async ({ db, workspaceId, actor, params, body }) => {
    return { data: await changeConnection(db, { workspaceId, actor, connectionId: params.id, ...body, fields: Object.keys(body) }) };
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
    await removeConnection(db, { workspaceId, actor, connectionId: params.id });
    return { data: { id: params.id, deleted: true } };
  },
});

export const listObjectsRoute = defineRoute({
  method: "GET",
  path: "/connections/{id}/objects",
  tag: "Connections",
  summary: "The objects of the destination a sync can write to (tables, objects, audiences)",
  params: idParams,
  response: z.array(z.object({ name: z.string(), label: z.string() })),
  handle: async ({ db, workspaceId, params }) => ({ data: await listDestinationObjects(db, { workspaceId, connectionId: params.id }) }),
});

export const listFieldsRoute = defineRoute({
  method: "GET",
  path: "/connections/{id}/objects/{object}/fields",
  tag: "Connections",
  summary: "The fields of a destination object, with type, required and key flags",
  params: idParams.extend({ object: nameParam.max(200) }),
  response: z.array(z.object({ name: z.string(), type: z.string(), required: z.boolean(), nullable: z.boolean(), key: z.enum(["primary", "unique"]).optional() })),
  handle: async ({ db, workspaceId, params }) => ({ data: await listDestinationFields(db, { workspaceId, connectionId: params.id, object: params.object }) }),
});
