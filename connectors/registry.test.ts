import { describe, expect, it } from "vitest";
import { connectorConfigs, connectorIds } from "./manifests";
import { getConnector } from "./registry";

describe("the connector registry", () => {
  it.each(connectorIds)("serves %s with the catalog's manifest and schemas, under its own id", (id) => {
    const connector = getConnector(id)!;
    expect(connector.manifest).toBe(connectorConfigs[id]!.manifest);
    expect(connector.settingsSchema).toBe(connectorConfigs[id]!.settingsSchema);
    expect(connector.secretsSchema).toBe(connectorConfigs[id]!.secretsSchema);
    expect(connector.manifest.id).toBe(id);
  });

  it.each(connectorIds)("has %s declare how it replaces exactly when it offers replace runs, and read back exactly when it says so", (id) => {
    const connector = getConnector(id)!;
    expect(Boolean(connector.manifest.replace)).toBe(connector.manifest.modes.includes("replace"));
    expect(Boolean(connector.read)).toBe(connector.manifest.replace === "read_back");
    if (connector.manifest.replaceStrategies.length) expect(connector.manifest.replace).toBe("whole");
  });

  it("knows no other connector", () => {
    expect(getConnector("oracle")).toBeUndefined();
    expect(getConnector("toString")).toBeUndefined();
  });
});
