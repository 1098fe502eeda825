import { boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { workspaceId } from "./workspaces";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};
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
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index("contacts_updated_at_idx").on(t.workspaceId, t.updatedAt)],
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
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
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
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index("orders_contact_idx").on(t.workspaceId, t.contactId)],
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
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index("consents_contact_idx").on(t.workspaceId, t.contactId)],
);

/** The table of each entity, by entity name. */
export const entityTables = { contacts, products, orders, order_items: orderItems, consents } as const;
