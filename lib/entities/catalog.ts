/** The team's data: what each entity holds and how entities relate. Client-safe. */

export const columnTypes = ["string", "number", "boolean", "date", "datetime"] as const;
export type ColumnType = (typeof columnTypes)[number];

export const entityNames = ["contacts", "products", "orders", "order_items", "consents"] as const;
export type EntityName = (typeof entityNames)[number];

/** What a number column stores: whole numbers or not, and the largest magnitude. */
export type NumberRange = { integer: boolean; maxAbs: number };

export type EntityField = {
  name: string;
  type: ColumnType;
  /** Allowed values, when the field is an enumeration. */
  values?: readonly string[];
  /** The range of a number column, as its database type stores it. */
  range?: NumberRange;
};

/** numeric(12, 2): amounts below ten billion, in cents. */
const amount: NumberRange = { integer: false, maxAbs: 9_999_999_999.99 };
/** integer: 32-bit whole numbers. */
const int4: NumberRange = { integer: true, maxAbs: 2_147_483_647 };

/** A many-to-one link from this entity to another (orders.contact_id → contacts). */
export type Lookup = { name: string; entity: EntityName; foreignKey: string };
/** A one-to-many link from this entity to another (contacts → orders by orders.contact_id). */
export type Collection = { name: string; entity: EntityName; foreignKey: string };

export type EntityDefinition = {
  name: EntityName;
  label: string;
  fields: readonly EntityField[];
  lookups: readonly Lookup[];
  collections: readonly Collection[];
};

const common: EntityField[] = [
  { name: "created_at", type: "datetime" },
  { name: "updated_at", type: "datetime" },
];

export const consentChannels = ["email", "sms", "phone", "push"] as const;
const consentStatuses = ["granted", "denied", "withdrawn"] as const;
export const orderStatuses = ["pending", "paid", "shipped", "delivered", "cancelled", "refunded"] as const;

export const entities: Record<EntityName, EntityDefinition> = {
  contacts: {
    name: "contacts",
    label: "Contacts",
    fields: [
      { name: "id", type: "string" },
      { name: "email", type: "string" },
      { name: "first_name", type: "string" },
      { name: "last_name", type: "string" },
      { name: "phone", type: "string" },
      { name: "country", type: "string" },
      { name: "city", type: "string" },
      { name: "birth_date", type: "date" },
      ...common,
    ],
    lookups: [],
    collections: [
      { name: "orders", entity: "orders", foreignKey: "contact_id" },
      { name: "consents", entity: "consents", foreignKey: "contact_id" },
    ],
  },
  products: {
    name: "products",
    label: "Products",
    fields: [
      { name: "id", type: "string" },
      { name: "sku", type: "string" },
      { name: "name", type: "string" },
      { name: "category", type: "string" },
      { name: "brand", type: "string" },
      { name: "price", type: "number", range: amount },
      { name: "currency", type: "string" },
      { name: "active", type: "boolean" },
      ...common,
    ],
    lookups: [],
    collections: [{ name: "order_items", entity: "order_items", foreignKey: "product_id" }],
  },
  orders: {
    name: "orders",
    label: "Orders",
    fields: [
      { name: "id", type: "string" },
      { name: "contact_id", type: "string" },
      { name: "status", type: "string", values: orderStatuses },
      { name: "total", type: "number", range: amount },
      { name: "currency", type: "string" },
      { name: "ordered_at", type: "datetime" },
      ...common,
    ],
    lookups: [{ name: "contact", entity: "contacts", foreignKey: "contact_id" }],
    collections: [{ name: "order_items", entity: "order_items", foreignKey: "order_id" }],
  },
  order_items: {
    name: "order_items",
    label: "Order items",
    fields: [
      { name: "id", type: "string" },
      { name: "order_id", type: "string" },
      { name: "product_id", type: "string" },
      { name: "quantity", type: "number", range: int4 },
      { name: "unit_price", type: "number", range: amount },
      ...common,
    ],
    lookups: [
      { name: "order", entity: "orders", foreignKey: "order_id" },
      { name: "product", entity: "products", foreignKey: "product_id" },
    ],
    collections: [],
  },
  consents: {
    name: "consents",
    label: "Consents",
    fields: [
      { name: "id", type: "string" },
      { name: "contact_id", type: "string" },
      { name: "channel", type: "string", values: consentChannels },
      { name: "status", type: "string", values: consentStatuses },
      { name: "source", type: "string" },
      ...common,
    ],
    lookups: [{ name: "contact", entity: "contacts", foreignKey: "contact_id" }],
    collections: [],
  },
};

export function entityField(entity: EntityName, field: string): EntityField | undefined {
  return entities[entity].fields.find((f) => f.name === field);
}
