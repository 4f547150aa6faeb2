import { PROJECT } from "@lambda-lab/catalog";

/** A stack configuration that cannot be deployed; the message names the stack, the keys and the numbers. */
export class StackConfigError extends Error {
  override name = "StackConfigError";
  constructor(
    readonly stackName: string,
    readonly problems: readonly string[],
  ) {
    super(`stack "${stackName}": invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

/** `lambda-lab:<key>`, as the CLI and the stack files spell a key. */
export const qualified = (k: string): string => `${PROJECT}:${k}`;
