#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the builder needs no compile step of its own.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
