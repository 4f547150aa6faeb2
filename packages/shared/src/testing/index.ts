export {
  createLocalS3Client,
  LOCAL_S3_CREDENTIALS,
  type LocalS3,
  type LocalS3Options,
  type S3rverEvent,
  startLocalS3,
} from "./local-s3.js";
export { compareKeys, createMemoryObjectStore, type MemoryObjectStore } from "./memory-object-store.js";
