/** Test fixtures: a service account key pair shaped like the JSON key files Google's console gives. */
import crypto from "node:crypto";

export function serviceAccountKeyPair(email = "relay-sync@relay-test.iam.gserviceaccount.com") {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyFile = {
    type: "service_account",
    project_id: "relay-test",
    private_key_id: crypto.randomBytes(20).toString("hex"),
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: email,
    client_id: "104857600000000000000",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "https://oauth2.googleapis.com/token",
  };
  return { email, publicKey, keyFile, json: JSON.stringify(keyFile, null, 2) };
}

export const sha256 = (value: string) => crypto.createHash("sha256").update(value).digest("hex");
