/** What a listing returns for one object. */
export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

export interface ObjectHead {
  size: number;
  etag: string;
  lastModified: Date;
  contentType?: string;
  metadata: Record<string, string>;
}

export interface StoredObject extends ObjectHead {
  body: Buffer;
}

export interface PutOptions {
  contentType: string;
  cacheControl?: string;
  metadata?: Record<string, string>;
}

export interface ListPage {
  objects: ListedObject[];
  /**
   * Present when more keys follow: the last key of this page, to pass back as `startAfter`. Paging by key
   * (not by opaque continuation token) is what makes a listing resumable from a checkpoint.
   */
  nextStartAfter?: string;
}

export interface DeleteResult {
  deleted: string[];
  /** Per-key failures: S3 reports them inside a 200 response, so they must be read, not assumed away. */
  errors: { key: string; code: string; message: string }[];
}

/**
 * The narrow port every function uses for the bucket. The S3 adapter implements it with the AWS SDK; tests
 * use the in-memory one from `@lambda-lab/shared/testing`.
 */
export interface ObjectStore {
  get(key: string): Promise<StoredObject | undefined>;
  head(key: string): Promise<ObjectHead | undefined>;
  put(key: string, body: Buffer | string, options: PutOptions): Promise<{ etag: string }>;
  /** One page of keys under `prefix`, in key order (S3's UTF-8 binary order). */
  listPage(prefix: string, options?: { startAfter?: string; maxKeys?: number }): Promise<ListPage>;
  /** Deletes up to 1,000 keys in one request. */
  deleteMany(keys: readonly string[]): Promise<DeleteResult>;
}

/** S3 caps a DeleteObjects request and a ListObjectsV2 page at 1,000 keys. */
export const S3_BATCH_LIMIT = 1000;
