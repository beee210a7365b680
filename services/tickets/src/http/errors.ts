/** Maps what the domain and store throw onto problem+json responses with a message a caller can act on. */
import { ProblemError, ValidationError } from '@cogdesk/shared/http/problem';
import { HTTP_STATUS_OF_KIND, TicketDomainError } from '../domain';
import { VersionMismatchError } from '../application/handle-command';
import { InvalidCursorError } from '../store/list-query';

export function toProblem(error: unknown): unknown {
  if (error instanceof TicketDomainError) {
    return new ProblemError({ status: HTTP_STATUS_OF_KIND[error.kind], detail: error.message, cause: error });
  }
  if (error instanceof VersionMismatchError) {
    return new ProblemError({
      status: 412,
      detail: `The ticket changed since you read it (${error.message}); read it again and retry with its new ETag`,
      cause: error,
    });
  }
  if (error instanceof InvalidCursorError) return new ValidationError([{ path: 'query.cursor', message: error.message }]);
  return error;
}
