/**
 * SNS → Lambda events: one record per notification, the message text in `Sns.Message`
 * ("Invoking Lambda functions with Amazon SNS notifications", docs.aws.amazon.com/lambda/latest/dg/with-sns.html).
 */
import type { SNSEvent } from "aws-lambda";
import { EXAMPLE_ACCOUNT_ID, EXAMPLE_REGION, timeOf } from "./aws.js";

export interface SnsOptions {
  topicArn?: string;
  subject?: string;
  timestamp?: Date | string;
  messageId?: string;
}

/** An SNS → Lambda event with one record whose `Sns.Message` is `message` (JSON-encoded unless a string). */
export const makeSnsEvent = (message: unknown, options: SnsOptions = {}): SNSEvent => {
  const topicArn = options.topicArn ?? `arn:aws:sns:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT_ID}:alarms`;
  const region = topicArn.split(":")[3] ?? EXAMPLE_REGION;
  const messageId = options.messageId ?? "95df01b4-ee98-5cb9-9903-4c221d41eb5e";
  return {
    Records: [
      {
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
        EventSource: "aws:sns",
        Sns: {
          SignatureVersion: "1",
          Timestamp: timeOf(options.timestamp).toISOString(),
          Signature: "EXAMPLE",
          SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-example.pem`,
          MessageId: messageId,
          Message: typeof message === "string" ? message : JSON.stringify(message),
          MessageAttributes: {},
          Type: "Notification",
          UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:example`,
          TopicArn: topicArn,
          Subject: options.subject ?? "",
        },
      },
    ],
  };
};
