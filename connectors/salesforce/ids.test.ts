import { describe, expect, it } from "vitest";
import { toId18 } from "./ids";

describe("Salesforce ids", () => {
  it("convert 15-character ids to 18 characters with the case checksum (published examples)", () => {
    expect(toId18("001A0000006Vm9u")).toBe("001A0000006Vm9uIAC");
    expect(toId18("00558000001N0Ke")).toBe("00558000001N0KeAAK");
    expect(toId18("00D0Q0000008aI9")).toBe("00D0Q0000008aI9UAI");
    expect(toId18("0016E00000YbJrD")).toBe("0016E00000YbJrDQAV");
    expect(toId18("90630000000gy8o")).toBe("90630000000gy8oAAA");
  });

  it("keep a valid 18-character id, whatever the case of its suffix, and refuse what is not an id", () => {
    expect(toId18("001A0000006Vm9uIAC")).toBe("001A0000006Vm9uIAC");
    expect(toId18("001A0000006Vm9uiac")).toBe("001A0000006Vm9uIAC");
    expect(toId18("001A0000006Vm9uAAA")).toBeUndefined();
    expect(toId18("<unknown>")).toBeUndefined();
    expect(toId18("001A0000006Vm9")).toBeUndefined();
    expect(toId18("001A0000006Vm9u-")).toBeUndefined();
  });
});
