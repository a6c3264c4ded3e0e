export { processImage } from './process-image';
export { ImageProcessingError, type ImageErrorCode } from './image-error';
export { type ImageFormat, type ImageOptions, DEFAULT_IMAGE_QUALITY, isProcessable } from './options';
export { imageNote } from './image-note';
export { prepareImage } from './prepare-image';
