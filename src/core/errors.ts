/** An error whose message is written for the person using the studio, not for a stack trace. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}

/** Thrown (or reported) when a run is cancelled through its `AbortSignal`. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(message = 'Cancelled') {
    super(message);
  }
}

/** Turns anything thrown into a message for the UI. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
