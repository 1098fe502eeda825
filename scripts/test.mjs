#!/usr/bin/env node
/**
 * `npm test`: type check, lint, vitest (unit + integration on a real PostgreSQL), production build, then
 * Playwright in Chromium. Runs every step, says what was skipped and why, and ends with one total line.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const ci = Boolean(process.env.CI);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const totals = { passed: 0, failed: 0, skipped: 0 };
const notes = [];

function run(title, command, args, env = {}) {
  console.log(`\n━━ ${title} ━━ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  return result.status === 0;
}

function step(title, command, args) {
  const ok = run(title, command, args);
  totals[ok ? "passed" : "failed"]++;
  if (!ok) notes.push(`${title}: failed`);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

fs.rmSync("test-results/vitest.json", { force: true });
fs.rmSync("test-results/playwright.json", { force: true });

step("type check", "npx", ["tsc", "--noEmit"]);
step("lint", "npx", ["eslint", "."]);

const vitestOk = run("unit and integration tests", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/vitest.json"]);
const vitest = readJson("test-results/vitest.json");
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
  if (vitest.numFailedTests) notes.push(`vitest: ${vitest.numFailedTests} failed`);
}
if (!vitestOk && !vitest?.numFailedTests) {
  totals.failed++;
  notes.push("vitest: the run itself failed (see above)");
}

if (!fs.existsSync(chromium) && !ci) {
  totals.skipped++;
  notes.push(`end-to-end: skipped, no Chromium at ${chromium} (install it with \`apt-get install chromium\`, or set CHROMIUM_PATH)`);
} else if (step("production build", "npx", ["next", "build"])) {
  const e2eOk = run("end-to-end tests in Chromium", "npx", ["playwright", "test"]);
  const stats = readJson("test-results/playwright.json")?.stats;
  if (stats) {
    totals.passed += stats.expected + stats.flaky;
    totals.failed += stats.unexpected;
    totals.skipped += stats.skipped;
    if (stats.unexpected) notes.push(`end-to-end: ${stats.unexpected} failed`);
  }
  if (!e2eOk && !stats?.unexpected) {
    totals.failed++;
    notes.push("end-to-end: the run itself failed (see above)");
  }
}

console.log("\n━━ summary ━━");
for (const note of notes) console.log(`- ${note}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
