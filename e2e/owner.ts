/** The owner account the e2e suite creates on the fresh install (or signs in with, when the data folder is reused). */
export const OWNER = { name: "Olive Owner", email: "owner@example.com", password: "correct horse battery", workspace: "Acme Marketing" };
export const OWNER_STATE = "test-results/.auth/owner.json";
