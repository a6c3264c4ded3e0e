import type { ImageErrorCode } from './image-error';

/** What the page asks the image worker to do with one file. */
export interface ImageJob {
  id: number;
  file: Blob;
  maxEdge: number | undefined;
  /** The type to ask the canvas for. */
  type: string;
  quality: number;
  /** Re-encode even when the image already fits (metadata to strip, another type). */
  always: boolean;
}

/** `blob` is null when the image already fits and nothing else was asked for: the original is kept. */
export type ImageResult = { id: number; ok: true; blob: Blob | null; width: number; height: number } | { id: number; ok: false; code: ImageErrorCode; message: string };
