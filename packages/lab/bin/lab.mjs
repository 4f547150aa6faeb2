#!/usr/bin/env node
// `pnpm dev` / `pnpm lab …`: runs the TypeScript CLI through tsx, so the lab needs no compile step.
import { register } from "tsx/esm/api";

// The AWS SDK warns about Node.js 20 on every start; the lab's own S3 client is not the lesson.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
await import("../src/cli.ts");
