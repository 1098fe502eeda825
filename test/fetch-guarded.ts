/**
 * Test helper process: one request through the shared HTTP client (`fetchGuarded`), printed as JSON. Run with
 * NODE_EXTRA_CA_CERTS naming test/tls/localhost-cert.pem, it trusts the tests' own TLS servers the
 * way a production process trusts a real certificate.
 */
import { fetchGuarded, type HttpRequest } from "@/lib/http/client";

const request = JSON.parse(process.argv[2]!) as HttpRequest;
try {
  const response = await fetchGuarded(request, { allowPrivate: true });
  console.log(JSON.stringify({ status: response.status }));
} catch (error) {
  console.log(JSON.stringify({ error: (error as Error).message }));
}
