import { type AnyPgColumn, boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { workspaceId } from "./workspaces";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  /**
   * When the row was last written, by the database's clock (the writing transaction's start; a trigger moves it
   * on every update, whatever the writer sets): what incremental plans look for. Not a field of the entity.
   */
  changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
};
const changedIndex = (table: string, t: { workspaceId: AnyPgColumn; changedAt: AnyPgColumn }) => index(`${table}_changed_at_idx`).on(t.workspaceId, t.changedAt);
const traits = () => jsonb("traits").$type<Record<string, unknown>>().notNull().default({});

export const contacts = pgTable(
  "contacts",
  {
    workspaceId: workspaceId(),
    id: text("id").notNull(),
    email: text("email"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    phone: text("phone"),
    country: text("country"),
    city: text("city"),
    birthDate: date("birth_date"),
    traits: traits(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index("contacts_updated_at_idx").on(t.workspaceId, t.updatedAt), changedIndex("contacts", t)],
);

export const products = pgTable(
  "products",
  {
    workspaceId: workspaceId(),
    id: text("id").notNull(),
    sku: text("sku"),
    name: text("name"),
    category: text("category"),
    brand: text("brand"),
    price: numeric("price", { precision: 12, scale: 2 }),
    currency: text("currency"),
    active: boolean("active").notNull().default(true),
    traits: traits(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), changedIndex("products", t)],
);

export const orders = pgTable(
  "orders",
  {
    workspaceId: workspaceId(),
    id: text("id").notNull(),
    contactId: text("contact_id"),
    status: text("status"),
    total: numeric("total", { precision: 12, scale: 2 }),
    currency: text("currency"),
    orderedAt: timestamp("ordered_at", { withTimezone: true }),
    traits: traits(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index("orders_contact_idx").on(t.workspaceId, t.contactId), changedIndex("orders", t)],
);

export const orderItems = pgTable(
  "order_items",
  {
    workspaceId: workspaceId(),
    id: text("id").notNull(),
    orderId: text("order_id"),
    productId: text("product_id"),
    quantity: integer("quantity"),
    unitPrice: numeric("unit_price", { precision: 12, scale: 2 }),
    traits: traits(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index("order_items_order_idx").on(t.workspaceId, t.orderId),
    index("order_items_product_idx").on(t.workspaceId, t.productId),
    changedIndex("order_items", t),
  ],
);

export const consents = pgTable(
  "consents",
  {
    workspaceId: workspaceId(),
    id: text("id").notNull(),
    contactId: text("contact_id"),
    channel: text("channel"),
    status: text("status"),
    source: text("source"),
    traits: traits(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index("consents_contact_idx").on(t.workspaceId, t.contactId), changedIndex("consents", t)],
);

/**
 * Entity rows deleted, or moved away from the row they belonged to (a foreign key changed), recorded by triggers
 * on every entity table whatever deleted or moved them: the keys an incremental plan must look at again. One
 * column per foreign key of the catalog, holding the old row's value. Kept as long as a plan may need them.
 */
export const entityTombstones = pgTable(
  "entity_tombstones",
  {
    workspaceId: uuid("workspace_id").notNull(),
    entity: text("entity").notNull(),
    id: text("id").notNull(),
    contactId: text("contact_id"),
    orderId: text("order_id"),
    productId: text("product_id"),
    removedAt: timestamp("removed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("entity_tombstones_removed_idx").on(t.workspaceId, t.entity, t.removedAt), index("entity_tombstones_age_idx").on(t.removedAt)],
);

/** The table of each entity, by entity name. */
export const entityTables = { contacts, products, orders, order_items: orderItems, consents } as const;
