/** Why an image could not be processed; the upload client shows `message`, code is for branching. */
export type ImageErrorCode = 'DECODE_FAILED' | 'ENCODE_FAILED' | 'UNSUPPORTED_BROWSER' | 'WORKER_FAILED';

/** An image that cannot be processed is not uploaded: a route that strips metadata never sends it unstripped. */
export class ImageProcessingError extends Error {
  override readonly name = 'ImageProcessingError';

  constructor(
    readonly code: ImageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
