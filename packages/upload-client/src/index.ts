/**
 * `@app/upload-client`: the framework-agnostic upload engine (queue, single PUT/POST, multipart with
 * resume, retry/backoff, progress with speed and time left, typed events). React bindings live in
 * `@app/upload-client/react`.
 */
export {};
export * from './image';
