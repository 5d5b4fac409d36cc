// The one error a request handler throws to answer with a status other than 200: a short message the client
// may read (it never carries a secret), classified once like every other error in the project.
import { ClassifiedError, type ClassifiedErrorOptions } from "../runtime/classified-error.ts";

export class ApiError extends ClassifiedError {
  override name = "ApiError";
  readonly status: number;
  /** Only a server-side failure (5xx) can go away on its own. */
  readonly retryable: boolean;

  constructor(status: number, message: string, options: ClassifiedErrorOptions = {}) {
    super(message, options);
    this.status = status;
    this.retryable = status >= 500;
  }
}
