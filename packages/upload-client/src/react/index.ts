/** React bindings over `@app/upload-client`. */
export { useUploadQueue, type UploadQueue } from './use-upload-queue';
export { useUploads } from './use-uploads';
