import { BSON } from 'bson';
import type { Doc } from './documents';

/** Opcodes of the MongoDB wire protocol this server reads or writes. */
export const OpCode = {
  reply: 1,
  query: 2004,
  msg: 2013,
} as const;

/** OP_MSG flag bits. */
export const MsgFlag = {
  checksumPresent: 1 << 0,
  moreToCome: 1 << 1,
} as const;

const HEADER_BYTES = 16;
/** Larger than any legal message (48 MB maxMessageSizeBytes), to refuse garbage early. */
const MAX_MESSAGE_BYTES = 48_000_000;

export interface MessageHeader {
  readonly messageLength: number;
  readonly requestId: number;
  readonly responseTo: number;
  readonly opCode: number;
}

/** A command request: OP_MSG, or a legacy OP_QUERY against `<db>.$cmd` (the initial handshake). */
export type CommandRequest =
  | {
      readonly kind: 'msg';
      readonly header: MessageHeader;
      /** The body with each document sequence (section kind 1) merged in as an array field. */
      readonly body: Doc;
      /** The client wants no reply (unacknowledged writes). */
      readonly moreToCome: boolean;
    }
  | {
      readonly kind: 'query';
      readonly header: MessageHeader;
      readonly fullCollectionName: string;
      readonly query: Doc;
    };

export class WireProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireProtocolError';
  }
}

function readHeader(message: Buffer): MessageHeader {
  return {
    messageLength: message.readInt32LE(0),
    requestId: message.readInt32LE(4),
    responseTo: message.readInt32LE(8),
    opCode: message.readInt32LE(12),
  };
}

function readCString(buffer: Buffer, offset: number): { value: string; next: number } {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw new WireProtocolError('unterminated cstring');
  return { value: buffer.toString('utf8', offset, end), next: end + 1 };
}

function readDocument(buffer: Buffer, offset: number, limit: number): { doc: Doc; next: number } {
  if (offset + 5 > limit) throw new WireProtocolError('truncated BSON document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > limit) throw new WireProtocolError('BSON document overruns its section');
  return { doc: BSON.deserialize(buffer.subarray(offset, offset + size)), next: offset + size };
}

/** Decodes one complete message (header included). */
export function decodeMessage(message: Buffer): CommandRequest {
  const header = readHeader(message);
  if (header.opCode === OpCode.msg) return decodeMsg(message, header);
  if (header.opCode === OpCode.query) return decodeQuery(message, header);
  throw new WireProtocolError(`unsupported opCode ${header.opCode}`);
}

function decodeMsg(message: Buffer, header: MessageHeader): CommandRequest {
  const flags = message.readUInt32LE(HEADER_BYTES);
  // The CRC-32C trailer, when present, is not verified: TCP on loopback already guards the bytes.
  const end = flags & MsgFlag.checksumPresent ? message.length - 4 : message.length;
  let offset = HEADER_BYTES + 4;
  let body: Doc | undefined;
  const sequences: [string, Doc[]][] = [];
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body) throw new WireProtocolError('OP_MSG with more than one body section');
      ({ doc: body, next: offset } = readDocument(message, offset, end));
    } else if (kind === 1) {
      const sectionEnd = offset + message.readInt32LE(offset);
      if (sectionEnd > end) throw new WireProtocolError('document sequence overruns the message');
      const identifier = readCString(message, offset + 4);
      const docs: Doc[] = [];
      let cursor = identifier.next;
      while (cursor < sectionEnd) {
        const read = readDocument(message, cursor, sectionEnd);
        docs.push(read.doc);
        cursor = read.next;
      }
      sequences.push([identifier.value, docs]);
      offset = sectionEnd;
    } else {
      throw new WireProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireProtocolError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) {
    if (identifier in body) throw new WireProtocolError(`field '${identifier}' is both in the body and a document sequence`);
    body[identifier] = docs;
  }
  return { kind: 'msg', header, body, moreToCome: (flags & MsgFlag.moreToCome) !== 0 };
}

function decodeQuery(message: Buffer, header: MessageHeader): CommandRequest {
  const name = readCString(message, HEADER_BYTES + 4);
  // numberToSkip and numberToReturn (2 × int32) are meaningless for commands.
  const { doc } = readDocument(message, name.next + 8, message.length);
  return { kind: 'query', header, fullCollectionName: name.value, query: doc };
}

function withHeader(requestId: number, responseTo: number, opCode: number, parts: readonly Uint8Array[]): Buffer {
  const length = HEADER_BYTES + parts.reduce((sum, part) => sum + part.length, 0);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeInt32LE(length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, ...parts], length);
}

export interface MsgParts {
  readonly requestId: number;
  readonly responseTo: number;
  readonly body: Doc;
  readonly flags?: number;
  /** Document sequences (section kind 1), as drivers send inserts. */
  readonly sequences?: readonly { identifier: string; docs: readonly Doc[] }[];
}

/** Encodes an OP_MSG (the server's replies; tests use it to speak as a client). */
export function encodeMsg(parts: MsgParts): Buffer {
  const flags = Buffer.allocUnsafe(4);
  flags.writeUInt32LE(parts.flags ?? 0, 0);
  const sections: Uint8Array[] = [flags, Uint8Array.of(0), BSON.serialize(parts.body)];
  for (const { identifier, docs } of parts.sequences ?? []) {
    const name = Buffer.from(`${identifier}\0`, 'utf8');
    const encoded = docs.map((doc) => BSON.serialize(doc));
    const size = Buffer.allocUnsafe(4);
    size.writeInt32LE(4 + name.length + encoded.reduce((sum, doc) => sum + doc.length, 0), 0);
    sections.push(Uint8Array.of(1), size, name, ...encoded);
  }
  return withHeader(parts.requestId, parts.responseTo, OpCode.msg, sections);
}

/** Encodes an OP_REPLY carrying one document: the answer to a legacy OP_QUERY command. */
export function encodeReply(requestId: number, responseTo: number, doc: Doc): Buffer {
  const fields = Buffer.alloc(20);
  // responseFlags 0, cursorID 0, startingFrom 0, numberReturned 1.
  fields.writeInt32LE(1, 16);
  return withHeader(requestId, responseTo, OpCode.reply, [fields, BSON.serialize(doc)]);
}

/** Cuts a TCP byte stream into whole messages. */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds received bytes and returns the messages they complete. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    while (this.buffered >= 4) {
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.coalesce();
      const length = head.readInt32LE(0);
      if (length < HEADER_BYTES || length > MAX_MESSAGE_BYTES) throw new WireProtocolError(`invalid message length ${length}`);
      if (this.buffered < length) break;
      const data = this.coalesce();
      messages.push(data.subarray(0, length));
      this.chunks = data.length > length ? [data.subarray(length)] : [];
      this.buffered -= length;
    }
    return messages;
  }

  private coalesce(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
  }
}
