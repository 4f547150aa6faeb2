/**
 * The bucket's notifications come from the S3 port's neutral records, so they work over any adapter: here
 * the in-memory one, with no s3rver in sight. The function gets the record S3 sends (transform's own parser
 * accepts it), the page hears of writes and deletes.
 */
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { parseS3Event } from "@lambda-lab/transform/events";
import { describe, expect, it } from "vitest";
import { createMemoryS3Port } from "../../src/services/s3/memory.js";
import { wireS3Triggers } from "../../src/services/s3/triggers.js";

const BUCKET = "lambda-lab-dev-images-000000000000";

const wired = (targets?: Parameters<typeof wireS3Triggers>[1]["targets"]) => {
  const s3 = createMemoryS3Port({ bucket: BUCKET });
  const emitted: { eventName: string; key: string }[] = [];
  const invoked: { functionId: string; payload: unknown; source: string }[] = [];
  wireS3Triggers(s3, {
    region: "eu-west-1",
    emit: (_type, data) => emitted.push(data),
    invokeAsync: (functionId, payload, { source }) => invoked.push({ functionId, payload, source }),
    ...(targets ? { targets } : {}),
  });
  const put = (key: string) =>
    s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "img" }));
  return { s3, emitted, invoked, put };
};

describe("S3 notifications from the S3 port", () => {
  it("sends the catalog's transform trigger S3's record for an upload, key encoded as S3 encodes it", async () => {
    const { invoked, put } = wired();

    await put("uploads/a b+c.jpg");

    expect(invoked.map((i) => [i.functionId, i.source])).toEqual([["transform", "s3"]]);
    const event = invoked[0]?.payload as {
      Records: { eventName: string; s3: { object: { key: string; eTag: string; size: number } } }[];
    };
    expect(event.Records[0]?.eventName).toBe("ObjectCreated:Put");
    expect(event.Records[0]?.s3.object).toMatchObject({ key: "uploads/a+b%2Bc.jpg", size: 3 });
    expect(event.Records[0]?.s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);
    expect(() => parseS3Event(event)).not.toThrow();
  });

  it("notifies no function for a key outside every trigger's prefix, but tells the page", async () => {
    const { emitted, invoked, put } = wired();

    await put("variants/01ABC/w320.webp");

    expect(invoked).toEqual([]);
    expect(emitted).toEqual([{ eventName: "ObjectCreated:Put", key: "variants/01ABC/w320.webp" }]);
  });

  it("honours a trigger's suffixes", async () => {
    const { invoked, put } = wired([
      { functionId: "clips", configurationId: "clips-uploads/", prefix: "uploads/", suffixes: [".mp4"] },
    ]);

    await put("uploads/a.jpg");
    await put("uploads/b.mp4");

    expect(invoked.map((i) => i.functionId)).toEqual(["clips"]);
  });

  it("tells the page of a delete, and invokes nothing for it", async () => {
    const { s3, emitted, invoked, put } = wired();
    await put("uploads/gone.jpg");
    invoked.length = 0;

    await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "uploads/gone.jpg" }));

    expect(emitted.at(-1)).toEqual({ eventName: "ObjectRemoved:Delete", key: "uploads/gone.jpg" });
    expect(invoked).toEqual([]);
  });
});
