import { inject } from "vitest";

// The app's own modules (getDb, route handlers) connect where the tests do.
process.env.DATABASE_URL = inject("databaseUrl");
