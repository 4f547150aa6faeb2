import { migrate } from "./migrate.js";

// `pnpm --filter @lambda-lab/db migrate [up|down]` against DATABASE_URL: what the lab and an operator run.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set: point it at the database to migrate");
  process.exit(2);
}
const direction = process.argv[2] === "down" ? "down" : "up";
const ran = await migrate({
  connection: { connectionString: url },
  direction,
  ...(direction === "down" ? { count: 1 } : {}),
  log: console.log,
});
console.log(ran.length === 0 ? "database is up to date" : `ran ${direction}: ${ran.join(", ")}`);
