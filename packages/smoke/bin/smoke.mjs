#!/usr/bin/env node
// `pnpm smoke …`: runs the TypeScript CLI through tsx, so the smoke test needs no compile step (as the lab).
import { register } from "tsx/esm/api";

// The AWS SDK warns about Node.js 20 on every start; the warning is not the smoke test's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
await import("../src/cli.ts");
