import { describe, expect, it } from "vitest";
import { ftpSettingsSchema } from "../ftp/config";
import { sftpSettingsSchema } from "../sftp/config";

describe("file connection settings", () => {
  it("need no file name for a folder added to be read as a source, and name the file a sync writes otherwise", () => {
    expect(ftpSettingsSchema.safeParse({ host: "files.example.com", user: "drops" }).data?.fileName).toBe("relay.csv");
    expect(sftpSettingsSchema.safeParse({ host: "files.example.com", user: "drops", fileName: "contacts_{date}.csv" }).data?.fileName).toBe("contacts_{date}.csv");
    expect(sftpSettingsSchema.safeParse({ host: "files.example.com", user: "drops", fileName: "in/folder.csv" }).error?.issues[0]?.message).toBe("A file name, without folders");
  });
});
