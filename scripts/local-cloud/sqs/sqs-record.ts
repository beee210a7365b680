import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttribute, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** Turns a received SQS message into the record Lambda's SQS event source would hand the function. */
export function toSqsRecord(message: Message, queueArn: string, awsRegion: string): SQSRecord {
  const { MessageId, ReceiptHandle, Body, MD5OfBody, MD5OfMessageAttributes } = message;
  if (MessageId === undefined || ReceiptHandle === undefined || Body === undefined || MD5OfBody === undefined) {
    throw new Error(`ReceiveMessage returned an incomplete message (${MessageId ?? 'no MessageId'})`);
  }
  return {
    messageId: MessageId,
    receiptHandle: ReceiptHandle,
    body: Body,
    attributes: systemAttributes(MessageId, message.Attributes ?? {}),
    messageAttributes: toLambdaAttributes(message.MessageAttributes ?? {}),
    md5OfBody: MD5OfBody,
    ...(MD5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion,
  };
}

function systemAttributes(messageId: string, attributes: Partial<Record<string, string>>): SQSRecordAttributes {
  const { ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp, ...optional } = attributes;
  if (
    ApproximateReceiveCount === undefined ||
    SentTimestamp === undefined ||
    SenderId === undefined ||
    ApproximateFirstReceiveTimestamp === undefined
  ) {
    throw new Error(`ReceiveMessage returned message ${messageId} without its system attributes`);
  }
  return { ...optional, ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp };
}

function toLambdaAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, toLambdaAttribute(value)]));
}

// Lambda uses camelCase keys, base64 for binary values and always includes the (reserved) list fields.
function toLambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  return {
    ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
    ...(value.BinaryValue === undefined ? {} : { binaryValue: base64(value.BinaryValue) }),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
    dataType: value.DataType ?? 'String',
  };
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
