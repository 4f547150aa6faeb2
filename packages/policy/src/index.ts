/**
 * The policy pack: `pulumi preview --policy-pack packages/policy` (the preview and deploy workflows apply
 * it to every stack). The rules live in policies.ts.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies.js";

new PolicyPack("lambda-lab", { enforcementLevel: "mandatory", policies });
