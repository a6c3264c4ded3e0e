import { createHashPool } from './hash-pool';

/**
 * Hashing is the slowest step of a large upload on a fast link (one worker hashes about as fast as
 * one connection uploads), so parts are hashed by two workers at once where there are two cores.
 */
export const HASH_WORKERS = Math.min(2, Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1));

const pool = createHashPool(HASH_WORKERS, () => new Worker(new URL('./md5-worker.ts', import.meta.url), { type: 'module' }));

/** Base64 MD5 of a slice of a file, computed in a Web Worker. */
export const md5Of = (blob: Blob) => pool.md5Of(blob);

/** Starts the workers ahead of the first large file. */
export const warmUpMd5 = () => pool.warmUp();
