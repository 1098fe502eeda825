import { getDefaultWorkspace } from "@/lib/db/queries/workspaces";
import { hasEntityRows, seedDemo } from "@/lib/demo/seed";
import { runCli, withDatabase } from "./with-database";

runCli(() =>
  withDatabase(async ({ db }) => {
    const workspace = await getDefaultWorkspace(db);
    if ((await hasEntityRows(db, workspace.id)) && !process.argv.includes("--reset")) {
      console.log(`Workspace "${workspace.name}" already has data; run \`npm run db:seed -- --reset\` to replace it with the demo data.`);
      return;
    }
    const counts = await seedDemo(db, workspace.id);
    console.log(`Seeded "${workspace.name}":`, counts);
  }),
);
