// The AWS SDK adapter of the object store: only tests use it (the functions use the REST one), and from the
// package's index it would pull the whole SDK into every function's build graph (hot reload's rebuilds).
export { createS3ObjectStore } from "../s3-object-store.js";
export {
  createLocalS3Client,
  LOCAL_S3_CREDENTIALS,
  type LocalS3,
  type LocalS3Options,
  type S3rverEvent,
  startLocalS3,
} from "./local-s3.js";
export { compareKeys, createMemoryObjectStore, type MemoryObjectStore } from "./memory-object-store.js";
