import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { AlarmPublisher } from "../ports.js";

/** Publishes the alarm message to the stack's alerts topic, which invokes the alerts function (async). */
export const createSnsPublisher = (client: SNSClient, topicArn: string): AlarmPublisher => ({
  describe: `SNS ${topicArn}`,
  async publish(message, subject) {
    const out = await client.send(
      new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: JSON.stringify(message) }),
    );
    return { messageId: out.MessageId ?? "" };
  },
});
