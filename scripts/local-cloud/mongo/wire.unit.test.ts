import { BSON } from 'bson';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMsg, encodeReply, MessageFramer, MsgFlag, OpCode, WireProtocolError } from './wire';

function opQuery(requestId: number, collection: string, query: object): Buffer {
  const name = Buffer.from(`${collection}\0`);
  const body = BSON.serialize(query);
  const message = Buffer.alloc(16 + 4 + name.length + 8 + body.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId, 4);
  message.writeInt32LE(OpCode.query, 12);
  name.copy(message, 20);
  message.writeInt32LE(-1, 20 + name.length + 4);
  Buffer.from(body).copy(message, 20 + name.length + 8);
  return message;
}

describe('OP_MSG', () => {
  it('round-trips a body with document sequences merged in as array fields', () => {
    const message = encodeMsg({
      requestId: 7,
      responseTo: 0,
      body: { insert: 'tickets', $db: 'desk' },
      sequences: [{ identifier: 'documents', docs: [{ _id: 1 }, { _id: 2 }] }],
    });

    const request = decodeMessage(message);

    expect(request.kind).toBe('msg');
    expect(request.header).toEqual({ messageLength: message.length, requestId: 7, responseTo: 0, opCode: OpCode.msg });
    expect(request.kind === 'msg' && request.body).toEqual({ insert: 'tickets', $db: 'desk', documents: [{ _id: 1 }, { _id: 2 }] });
  });

  it('tolerates a checksum trailer and reports moreToCome', () => {
    const plain = encodeMsg({ requestId: 1, responseTo: 0, body: { ping: 1, $db: 'admin' }, flags: MsgFlag.checksumPresent | MsgFlag.moreToCome });
    const withChecksum = Buffer.concat([plain, Buffer.from([1, 2, 3, 4])]);
    withChecksum.writeInt32LE(withChecksum.length, 0);

    const request = decodeMessage(withChecksum);

    expect(request.kind === 'msg' && request.body).toEqual({ ping: 1, $db: 'admin' });
    expect(request.kind === 'msg' && request.moreToCome).toBe(true);
  });

  it('rejects a sequence that duplicates a body field', () => {
    const message = encodeMsg({ requestId: 1, responseTo: 0, body: { documents: [], $db: 'x' }, sequences: [{ identifier: 'documents', docs: [{}] }] });

    expect(() => decodeMessage(message)).toThrow(WireProtocolError);
  });
});

describe('legacy OP_QUERY handshake', () => {
  it('decodes the command and its namespace', () => {
    const request = decodeMessage(opQuery(3, 'admin.$cmd', { isMaster: 1, helloOk: true }));

    expect(request).toMatchObject({ kind: 'query', fullCollectionName: 'admin.$cmd', query: { isMaster: 1, helloOk: true } });
    expect(request.header.requestId).toBe(3);
  });

  it('is answered with an OP_REPLY that points back at the request', () => {
    const reply = encodeReply(9, 3, { ok: 1 });

    expect(reply.readInt32LE(0)).toBe(reply.length);
    expect(reply.readInt32LE(4)).toBe(9);
    expect(reply.readInt32LE(8)).toBe(3);
    expect(reply.readInt32LE(12)).toBe(OpCode.reply);
    expect(reply.readInt32LE(16 + 16)).toBe(1);
    expect(BSON.deserialize(reply.subarray(36))).toEqual({ ok: 1 });
  });
});

describe('MessageFramer', () => {
  it('reassembles messages split and coalesced arbitrarily across chunks', () => {
    const first = encodeMsg({ requestId: 1, responseTo: 0, body: { a: 'x'.repeat(100) } });
    const second = encodeMsg({ requestId: 2, responseTo: 0, body: { b: 1 } });
    const stream = Buffer.concat([first, second]);
    const framer = new MessageFramer();

    const received = [stream.subarray(0, 3), stream.subarray(3, 50), stream.subarray(50, first.length + 5), stream.subarray(first.length + 5)].flatMap(
      (chunk) => framer.push(chunk),
    );

    expect(received.map((message) => message.readInt32LE(4))).toEqual([1, 2]);
    expect(Buffer.concat(received).equals(stream)).toBe(true);
  });

  it('refuses an impossible message length', () => {
    const bogus = Buffer.alloc(8);
    bogus.writeInt32LE(3, 0);

    expect(() => new MessageFramer().push(bogus)).toThrow(WireProtocolError);
  });
});
