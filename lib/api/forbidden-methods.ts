import http from "node:http";

/** Methods fetch's Request refuses to represent: Next would fail building its request object and answer 500. */
const FORBIDDEN = new Set(["TRACE", "TRACK", "CONNECT"]);
const ALLOWED = "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE";
const patched = Symbol.for("relay.forbiddenMethodsRefused");

/**
 * Answers TRACE (and TRACK, CONNECT) with 405 and a JSON error before Next sees the request. Next offers no
 * hook ahead of its own request parsing, so the HTTP servers of this process are wrapped once, at start.
 */
export function refuseForbiddenMethods() {
  const proto = http.Server.prototype as http.Server & { [patched]?: true };
  if (proto[patched]) return;
  proto[patched] = true;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
    if (event === "request" && FORBIDDEN.has(req.method ?? "")) {
      res.writeHead(405, { allow: ALLOWED, "content-type": "application/json" }).end(JSON.stringify({ error: { message: `${req.method} is not allowed` } }));
      return true;
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof proto.emit;
}
