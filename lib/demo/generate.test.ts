import { describe, expect, it } from "vitest";
import { fullScale, generateDemoData } from "./generate";

describe("demo data", () => {
  const data = generateDemoData();

  it("has the promised size and is the same on every run", () => {
    expect(data.contacts).toHaveLength(fullScale.contacts);
    expect(data.products).toHaveLength(fullScale.products);
    expect(data.orders).toHaveLength(fullScale.orders);
    expect(data.orderItems).toHaveLength(fullScale.orderItems);
    const again = generateDemoData();
    expect(again.contacts.slice(0, 50)).toEqual(data.contacts.slice(0, 50));
    expect(again.orderItems.slice(-50)).toEqual(data.orderItems.slice(-50));
    expect(again.consents.length).toBe(data.consents.length);
  });

  it("is realistic and a little messy, like real customer data", () => {
    const missingPhone = data.contacts.filter((c) => c.phone === null).length / data.contacts.length;
    expect(missingPhone).toBeGreaterThan(0.1);
    expect(missingPhone).toBeLessThan(0.2);
    expect(data.contacts.some((c) => c.email === c.email.toUpperCase())).toBe(true);
    const names = data.contacts.map((c) => `${c.firstName.trim()} ${c.lastName}`);
    expect(new Set(names).size).toBeLessThan(names.length);
    expect(new Set(data.contacts.map((c) => c.country)).size).toBeGreaterThan(5);
    expect(new Set(data.consents.map((c) => `${c.contactId}:${c.channel}`)).size).toBe(data.consents.length);
    expect(data.consents.filter((c) => c.channel === "email")).toHaveLength(fullScale.contacts);
  });

  it("keeps orders consistent with their items and contacts", () => {
    const ids = new Set(data.contacts.map((c) => c.id));
    expect(data.orders.every((o) => ids.has(o.contactId))).toBe(true);
    const sums = new Map<string, number>();
    for (const item of data.orderItems) sums.set(item.orderId, (sums.get(item.orderId) ?? 0) + Number(item.unitPrice) * item.quantity);
    for (const order of data.orders.slice(0, 200)) expect(Number(order.total)).toBeCloseTo(sums.get(order.id)!, 2);
  });
});
