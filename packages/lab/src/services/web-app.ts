import type { IncomingMessage, ServerResponse } from "node:http";
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { imageIdOfKey, isTriggerKey, quarantineKeyOf } from "@lambda-lab/shared";
import type { Pool } from "pg";
import * as z from "zod";
import { corsHeaders, HttpError, parseBody as parse, readJson, sendJson } from "../http.js";

export interface WebAppOptions {
  pool: Pool;
  s3: S3Client;
  bucket: string;
  authMode: "none" | "token";
  /** Mints an upload token (the upload package's own function), when the stack's auth mode is `token`. */
  issueToken: (subject: string, ttlSeconds: number) => Promise<string>;
  onChange?: () => void;
}

const NewPost = z.strictObject({
  title: z.string().trim().min(1, "title is empty").max(200, "title is longer than 200 characters"),
  ownerId: z.string().trim().min(1).max(128).default("demo-user"),
});
const Attach = z.strictObject({ key: z.string().min(1, "key is empty") });
const TokenRequest = z.strictObject({
  subject: z.string().min(1).max(128).default("demo-user"),
  ttlSeconds: z.number().int().min(1).max(3600).default(300),
});

export interface PostRow {
  id: number;
  title: string;
  ownerId: string;
  createdAt: string;
  images: { key: string; contentType: string; bytes: number; createdAt: string }[];
}

/**
 * A minimal stand-in for the web app that owns the database: it creates posts, attaches an uploaded image
 * to a post (inserting its `images` row, which is what keeps orphan-cleanup away from it) and, when the
 * stack's upload auth is `token`, mints upload tokens. An upload nobody attaches becomes an orphan.
 */
export const createWebApp = (options: WebAppOptions) => {
  const listPosts = async (): Promise<PostRow[]> => {
    const { rows } = await options.pool.query<{
      id: string;
      title: string;
      owner_id: string;
      created_at: Date;
      images: { key: string; content_type: string; bytes: string; created_at: string }[] | null;
    }>(
      `select p.id, p.title, p.owner_id, p.created_at,
              coalesce(json_agg(json_build_object('key', i.key, 'content_type', i.content_type,
                'bytes', i.bytes, 'created_at', i.created_at) order by i.created_at)
                filter (where i.key is not null), '[]') as images
         from posts p left join images i on i.post_id = p.id
        group by p.id order by p.id`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      title: r.title,
      ownerId: r.owner_id,
      createdAt: r.created_at.toISOString(),
      images: (r.images ?? []).map((i) => ({
        key: i.key,
        contentType: i.content_type,
        bytes: Number(i.bytes),
        createdAt: new Date(i.created_at).toISOString(),
      })),
    }));
  };

  /** The quarantine marker's reason, or undefined when transform has not quarantined the upload. */
  const quarantineReason = async (key: string): Promise<string | undefined> => {
    const imageId = imageIdOfKey(key);
    if (!imageId) return undefined;
    try {
      const marker = await options.s3.send(
        new GetObjectCommand({ Bucket: options.bucket, Key: quarantineKeyOf(imageId) }),
      );
      const body = JSON.parse((await marker.Body?.transformToString()) ?? "{}") as { reason?: unknown };
      return typeof body.reason === "string" ? body.reason : "see its quarantine marker";
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return undefined;
      if ((error as Error).name === "NoSuchKey") return undefined;
      throw error;
    }
  };

  const attach = async (postId: number, key: string) => {
    if (!isTriggerKey(key))
      throw new HttpError(400, `key must be an original under uploads/, got ${JSON.stringify(key)}`);
    const post = await options.pool.query<{ owner_id: string }>("select owner_id from posts where id = $1", [
      postId,
    ]);
    if (post.rowCount === 0) throw new HttpError(404, `no post ${postId}`);
    let head: { ContentLength?: number; ContentType?: string; Metadata?: Record<string, string> };
    try {
      head = await options.s3.send(new HeadObjectCommand({ Bucket: options.bucket, Key: key }));
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        throw new HttpError(404, `no object ${key} in ${options.bucket}: upload it first`);
      throw error;
    }
    // transform quarantined it (not an image, too large, a decompression bomb…): a real web app asks the
    // upload's status before showing it, and a quarantined file must never appear in a post.
    const quarantined = await quarantineReason(key);
    if (quarantined !== undefined)
      throw new HttpError(409, `${key} is quarantined (${quarantined}): it cannot be attached to a post`);
    const inserted = await options.pool.query(
      `insert into images (key, post_id, owner_id, content_type, bytes)
       values ($1, $2, $3, $4, $5) on conflict (key) do nothing`,
      [
        key,
        postId,
        head.Metadata?.owner ?? post.rows[0]!.owner_id,
        head.ContentType ?? "application/octet-stream",
        head.ContentLength ?? 0,
      ],
    );
    if (inserted.rowCount === 0) throw new HttpError(409, `${key} is already attached to a post`);
    options.onChange?.();
  };

  return {
    listPosts,
    attach,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const cors = corsHeaders(req.headers.origin);
      if (req.method === "OPTIONS") {
        res.writeHead(204, cors);
        res.end();
        return;
      }
      const url = new URL(req.url ?? "/", "http://localhost");
      const path = url.pathname.replace(/\/+$/, "") || "/";
      try {
        if (path === "/posts" && req.method === "GET") return sendJson(res, 200, await listPosts(), cors);
        if (path === "/posts" && req.method === "POST") {
          const body = parse(NewPost, await readJson(req));
          const { rows } = await options.pool.query<{ id: string }>(
            "insert into posts (owner_id, title) values ($1, $2) returning id",
            [body.ownerId, body.title],
          );
          options.onChange?.();
          return sendJson(res, 201, { id: Number(rows[0]!.id), ...body }, cors);
        }
        const attachMatch = /^\/posts\/(\d+)\/images$/.exec(path);
        if (attachMatch && req.method === "POST") {
          const { key } = parse(Attach, await readJson(req));
          await attach(Number(attachMatch[1]), key);
          return sendJson(res, 201, { postId: Number(attachMatch[1]), key }, cors);
        }
        if (path === "/images" && req.method === "DELETE") {
          const key = url.searchParams.get("key") ?? "";
          const deleted = await options.pool.query("delete from images where key = $1", [key]);
          if (deleted.rowCount === 0) throw new HttpError(404, `no image row for ${JSON.stringify(key)}`);
          options.onChange?.();
          return sendJson(res, 200, { detached: key }, cors);
        }
        if (path === "/tokens" && req.method === "POST") {
          if (options.authMode !== "token")
            throw new HttpError(
              409,
              'the stack\'s upload auth mode is "none": the upload API needs no token',
            );
          const body = parse(TokenRequest, await readJson(req));
          const token = await options.issueToken(body.subject, body.ttlSeconds);
          return sendJson(res, 201, { token, subject: body.subject, expiresIn: body.ttlSeconds }, cors);
        }
        throw new HttpError(404, `no route ${req.method} ${path}; try GET /posts`);
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 500;
        sendJson(res, status, { error: (error as Error).message }, cors);
      }
    },
  };
};
