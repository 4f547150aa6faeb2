import { readFile } from "node:fs/promises";
import { FUNCTION_IDS, FUNCTIONS, type FunctionId } from "@lambda-lab/catalog";
import { EVENTS_DIR } from "../paths.js";

/** Each function's default payload for a burst or an invoke from the page: its first sample event (catalog). */
export const SAMPLE_EVENTS = Object.fromEntries(
  FUNCTION_IDS.flatMap((id) => {
    const first = FUNCTIONS[id].sampleEvents[0];
    return first ? [[id, first]] : [];
  }),
) as Record<FunctionId, string>;

export const samplePayload = async (functionId: string): Promise<unknown> => {
  const file = SAMPLE_EVENTS[functionId as FunctionId];
  return file ? JSON.parse(await readFile(`${EVENTS_DIR}/${file}`, "utf8")) : {};
};
