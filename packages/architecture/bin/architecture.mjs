#!/usr/bin/env node
// `pnpm cost` / `pnpm diagram`: runs the TypeScript CLI through tsx, so the package needs no compile step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
