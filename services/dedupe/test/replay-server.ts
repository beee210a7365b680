/** The shared replay server, with this service's recorded responses (`fixtures/`). */
import path from 'node:path';
import { recordedIn, type RecordedResponse } from '@cogdesk/shared/testing/replay-server';

export { inOrder, jsonBody, startReplayServer, type ReceivedRequest, type RecordedResponse, type ReplayServer, type Responder } from '@cogdesk/shared/testing/replay-server';

/** The recorded response of `fixtures/<name>.json`, a fresh copy each time. */
export function recorded(name: string): RecordedResponse {
  return recordedIn(path.join(import.meta.dirname, 'fixtures'), name);
}
