/**
 * The bucket's notifications, from the S3 port's neutral records: the page hears of every write and delete,
 * and each of the bucket's notifications (the catalog's S3 triggers — prefix, suffixes, event types — the
 * list the program's BucketNotification is built from) gets S3's notification for the objects it matches,
 * asynchronously, as S3 invokes Lambda. The tracer explains by the same list and the same filter.
 */
import { bucketNotifications, type NotificationTarget, notifyFor } from "../s3-notifications.js";
import type { S3Port } from "./port.js";

export const wireS3Triggers = (
  s3: Pick<S3Port, "onObjectCreated" | "onObjectRemoved">,
  deps: {
    region: string;
    /** The page's `s3` event. */
    emit: (type: "s3", data: { eventName: string; key: string }) => void;
    invokeAsync: (functionId: string, payload: unknown, options: { source: "s3" }) => void;
    /** Which functions S3 notifies; the catalog's by default. */
    targets?: readonly (NotificationTarget & { functionId: string })[];
  },
): void => {
  const targets = deps.targets ?? bucketNotifications();
  s3.onObjectRemoved((record) => deps.emit("s3", { eventName: record.eventName, key: record.key }));
  s3.onObjectCreated((record) => {
    deps.emit("s3", { eventName: record.eventName, key: record.key });
    for (const target of targets) {
      const { notification } = notifyFor([record], { region: deps.region, target });
      if (notification) deps.invokeAsync(target.functionId, notification, { source: "s3" });
    }
  });
};
