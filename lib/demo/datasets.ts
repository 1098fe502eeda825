import type { DatasetDefinitionInput } from "@/lib/datasets/definition";

/** The datasets every demo workspace starts with. */
export const builtInDatasets: { name: string; description: string; definition: DatasetDefinitionInput }[] = [
  {
    name: "Contacts",
    description: "Every contact with their order history and their email and SMS consent.",
    definition: {
      baseEntity: "contacts",
      aggregates: [
        { name: "orders_count", collection: "orders", fn: "count" },
        { name: "total_spent", collection: "orders", fn: "sum", field: "total" },
        { name: "first_order_at", collection: "orders", fn: "min", field: "ordered_at" },
        { name: "last_order_at", collection: "orders", fn: "max", field: "ordered_at" },
        { name: "email_consent", collection: "consents", fn: "latest", field: "status", where: { field: "channel", equals: "email" } },
        { name: "sms_consent", collection: "consents", fn: "latest", field: "status", where: { field: "channel", equals: "sms" } },
      ],
    },
  },
  {
    name: "Products",
    description: "The catalogue with how often each product sold.",
    definition: {
      baseEntity: "products",
      aggregates: [
        { name: "times_ordered", collection: "order_items", fn: "count" },
        { name: "units_sold", collection: "order_items", fn: "sum", field: "quantity" },
      ],
    },
  },
  {
    name: "Orders",
    description: "Orders with the buyer's email and the number of items.",
    definition: {
      baseEntity: "orders",
      lookups: [{ lookup: "contact", fields: ["email", "country"] }],
      aggregates: [{ name: "items_count", collection: "order_items", fn: "sum", field: "quantity" }],
    },
  },
  {
    name: "Order items",
    description: "Order lines with their product and order.",
    definition: {
      baseEntity: "order_items",
      lookups: [
        { lookup: "product", fields: ["sku", "name", "category"] },
        { lookup: "order", fields: ["status", "ordered_at"] },
      ],
    },
  },
];
