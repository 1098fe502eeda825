import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // A connector reads the time from its context's clock (tests run it faster), never the machine's.
    files: ["connectors/**/*.ts"],
    // Test fixtures (sandboxes, contract fixtures, testbeds) stand for the vendor and the test: they keep the machine's time.
    ignores: ["connectors/**/*.test.ts", "connectors/**/sandbox*.ts", "connectors/**/testing.ts", "connectors/**/contract.ts", "connectors/**/*-contract.ts", "connectors/**/*testbed.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "Date", property: "now", message: "Read the time from ctx.clock.now()" }],
      "no-restricted-syntax": ["error", { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Read the time from ctx.clock.now()" }],
    },
  },
  globalIgnores([".next/**", ".data/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
]);
