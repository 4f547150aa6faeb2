export { compareKeys, createMemoryObjectStore, type MemoryObjectStore } from "./memory-object-store.js";
