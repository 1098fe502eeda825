import "server-only";
import type { Clock, ConnectionConfig, ConnectorContext } from "@/connectors/types";
import { env } from "@/lib/env";
import { outboundPolicy } from "@/lib/security/outbound";
import { createHttpClient, type Permit } from "./client";

/** A clock that runs `1 / timeScale` times faster than the wall clock (tests), counted from its creation. */
export function scaledClock(timeScale: number): Clock {
  const origin = Date.now();
  return {
    now: () => (timeScale === 1 ? Date.now() : origin + (Date.now() - origin) / timeScale),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms * timeScale)),
  };
}

/**
 * What a connector gets for a call: its connection, an HTTP client held to the outbound policy and to the
 * connection's rate budget (`permit`, for a saved connection that has one), and the clock, both at the
 * configured time scale. Outside a run (test connection, field discovery) one quick retry; in a run, the
 * configured retry delays.
 */
export function connectorContext<S, K>(connection: ConnectionConfig<S, K>, p: { permit?: Permit; inRun?: boolean } = {}): ConnectorContext<S, K> {
  const http = createHttpClient({ permit: p.permit, delaysMs: p.inRun ? env.SYNC_RETRY_DELAYS_MS : [1_000], timeScale: env.SYNC_TIME_SCALE, outbound: outboundPolicy() });
  return { connection, http, clock: scaledClock(env.SYNC_TIME_SCALE) };
}
