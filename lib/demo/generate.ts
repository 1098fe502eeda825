/** Deterministic demo data: the same seed always gives the same rows. */
import { base, de, en, en_GB, en_US, es, Faker, fr, it, nl } from "@faker-js/faker";
import { consentChannels, orderStatuses } from "@/lib/entities/catalog";

export type DemoScale = { contacts: number; products: number; orders: number; orderItems: number };
export const fullScale: DemoScale = { contacts: 5_000, products: 300, orders: 20_000, orderItems: 50_000 };

const ANCHOR = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;

const countries = [
  { code: "FR", locale: fr, cities: ["Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Bordeaux"], prefix: "+33", weight: 30 },
  { code: "DE", locale: de, cities: ["Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main"], prefix: "+49", weight: 18 },
  { code: "GB", locale: en_GB, cities: ["London", "Manchester", "Bristol", "Leeds", "Edinburgh"], prefix: "+44", weight: 15 },
  { code: "ES", locale: es, cities: ["Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao"], prefix: "+34", weight: 12 },
  { code: "US", locale: en_US, cities: ["New York", "Chicago", "Austin", "Seattle", "Boston"], prefix: "+1", weight: 10 },
  { code: "IT", locale: it, cities: ["Roma", "Milano", "Torino", "Napoli", "Bologna"], prefix: "+39", weight: 8 },
  { code: "NL", locale: nl, cities: ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag"], prefix: "+31", weight: 7 },
];

const categories: Record<string, string[]> = {
  Shirts: ["Oxford Shirt", "Linen Shirt", "Flannel Shirt", "Denim Shirt"],
  "T-shirts": ["Crew Tee", "V-neck Tee", "Graphic Tee", "Pocket Tee"],
  Jackets: ["Rain Jacket", "Puffer Jacket", "Field Jacket", "Denim Jacket"],
  Shoes: ["Running Shoe", "Leather Sneaker", "Chelsea Boot", "Canvas Sneaker"],
  Bags: ["Tote Bag", "Backpack", "Weekender", "Crossbody Bag"],
  Accessories: ["Wool Beanie", "Leather Belt", "Silk Scarf", "Sunglasses"],
  Home: ["Ceramic Mug", "Linen Throw", "Scented Candle", "Oak Tray"],
};
const adjectives = ["Classic", "Essential", "Heritage", "Light", "Organic", "Recycled", "Urban", "Alpine"];
const brands = ["Nordwind", "Maison Clair", "Atelier 9", "Kestrel", "Bluefield", "Oakline"];
const consentSources = ["signup_form", "checkout", "preference_center", "import"];

export function generateDemoData(scale: DemoScale = fullScale, seed = 20261127) {
  const f = new Faker({ locale: [en_US, en, base], seed });
  const people = new Map(countries.map((c) => [c.code, new Faker({ locale: [c.locale, en, base], seed: seed + c.code.charCodeAt(0) })]));
  const iso = (ms: number) => new Date(ms);
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  const totalWeight = countries.reduce((s, c) => s + c.weight, 0);
  const pickCountry = () => {
    let r = f.number.int({ min: 1, max: totalWeight });
    return countries.find((c) => (r -= c.weight) <= 0)!;
  };

  const contacts = Array.from({ length: scale.contacts }, (_, i) => {
    const country = pickCountry();
    const p = people.get(country.code)!;
    let firstName = p.person.firstName();
    let lastName = p.person.lastName();
    const createdMs = ANCHOR - f.number.int({ min: 1, max: 1_400 }) * DAY - f.number.int({ min: 0, max: DAY - 1 });
    let email = f.internet.email({ firstName, lastName, provider: f.helpers.arrayElement(["gmail.com", "yahoo.com", "outlook.com", "proton.me", "example.com"]) });
    const messy = f.number.float({ min: 0, max: 1 });
    if (messy < 0.05) email = email.toUpperCase();
    else if (messy < 0.07) firstName = `${firstName} `;
    else if (messy < 0.09 && i > 0) lastName = lastName.toLowerCase();
    const national = f.string.numeric({ length: 9, allowLeadingZeros: false });
    const phone =
      f.number.float({ min: 0, max: 1 }) < 0.15
        ? null
        : f.helpers.arrayElement([`${country.prefix}${national}`, `${country.prefix} ${national.replace(/(\d{3})(?=\d)/g, "$1 ")}`, `0${national}`, `00${country.prefix.slice(1)}${national}`]);
    return {
      id: `c_${pad(i + 1, 5)}`,
      email,
      firstName,
      lastName,
      phone,
      country: country.code,
      city: f.helpers.arrayElement(country.cities),
      birthDate: f.number.float({ min: 0, max: 1 }) < 0.2 ? null : f.date.birthdate({ mode: "age", min: 18, max: 80, refDate: iso(ANCHOR) }).toISOString().slice(0, 10),
      traits: {},
      createdAt: iso(createdMs),
      updatedAt: iso(createdMs + f.number.int({ min: 0, max: ANCHOR - createdMs })),
    };
  });
  // Duplicate-looking people: same name, another address.
  for (let i = 17; i < contacts.length; i += 97) {
    const twin = contacts[i - 17]!;
    Object.assign(contacts[i]!, { firstName: twin.firstName.trim(), lastName: twin.lastName, email: f.internet.email({ firstName: twin.firstName.trim(), lastName: twin.lastName }) });
  }

  const productCategories = Object.keys(categories);
  const products = Array.from({ length: scale.products }, (_, i) => {
    const category = productCategories[i % productCategories.length]!;
    const brand = f.helpers.arrayElement(brands);
    const createdMs = ANCHOR - f.number.int({ min: 30, max: 1_500 }) * DAY;
    return {
      id: `p_${pad(i + 1, 4)}`,
      sku: `${category.replace(/[^A-Za-z]/g, "").slice(0, 3).toUpperCase()}-${pad(i + 1, 4)}`,
      name: `${brand} ${f.helpers.arrayElement(adjectives)} ${f.helpers.arrayElement(categories[category]!)}`,
      category,
      brand,
      price: f.commerce.price({ min: 9, max: 190, dec: 2 }),
      currency: "EUR",
      active: f.number.float({ min: 0, max: 1 }) > 0.08,
      traits: {},
      createdAt: iso(createdMs),
      updatedAt: iso(createdMs + f.number.int({ min: 0, max: 20 }) * DAY),
    };
  });

  const orders = Array.from({ length: scale.orders }, (_, i) => {
    // A skewed pick: some customers order a lot, many once or never.
    const contact = contacts[Math.floor(contacts.length * f.number.float({ min: 0, max: 0.9999 }) ** 1.6)]!;
    const orderedMs = contact.createdAt.getTime() + f.number.int({ min: 0, max: ANCHOR - contact.createdAt.getTime() });
    return {
      id: `o_${pad(i + 1, 6)}`,
      contactId: contact.id,
      status: f.helpers.weightedArrayElement(orderStatuses.map((s, k) => ({ value: s, weight: [3, 10, 6, 60, 6, 2][k]! }))),
      total: "0.00",
      currency: "EUR",
      orderedAt: iso(orderedMs),
      traits: {},
      createdAt: iso(orderedMs),
      updatedAt: iso(Math.min(ANCHOR, orderedMs + f.number.int({ min: 0, max: 10 }) * DAY)),
    };
  });

  const totals = new Array<number>(orders.length).fill(0);
  const orderItems = Array.from({ length: scale.orderItems }, (_, i) => {
    // Every order gets at least one item; the rest are spread at random.
    const orderIndex = i < orders.length ? i : f.number.int({ min: 0, max: orders.length - 1 });
    const order = orders[orderIndex]!;
    const product = f.helpers.arrayElement(products);
    const quantity = f.helpers.weightedArrayElement([{ value: 1, weight: 70 }, { value: 2, weight: 20 }, { value: 3, weight: 7 }, { value: 5, weight: 3 }]);
    totals[orderIndex]! += Math.round(Number(product.price) * 100) * quantity;
    return {
      id: `oi_${pad(i + 1, 6)}`,
      orderId: order.id,
      productId: product.id,
      quantity,
      unitPrice: product.price,
      traits: {},
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
    };
  });
  orders.forEach((o, i) => (o.total = (totals[i]! / 100).toFixed(2)));

  const consents = contacts.flatMap((c) =>
    consentChannels
      .filter((channel) => channel === "email" || channel === "sms" || f.number.float({ min: 0, max: 1 }) < 0.3)
      .map((channel) => {
        const status = f.helpers.weightedArrayElement([
          { value: "granted" as const, weight: channel === "email" ? 62 : 38 },
          { value: "denied" as const, weight: 30 },
          { value: "withdrawn" as const, weight: 8 },
        ]);
        const at = c.createdAt.getTime() + f.number.int({ min: 0, max: ANCHOR - c.createdAt.getTime() });
        return {
          id: `${c.id}:${channel}`,
          contactId: c.id,
          channel,
          status,
          source: f.helpers.arrayElement(consentSources),
          traits: {},
          createdAt: c.createdAt,
          updatedAt: iso(at),
        };
      }),
  );

  return { contacts, products, orders, orderItems, consents };
}
