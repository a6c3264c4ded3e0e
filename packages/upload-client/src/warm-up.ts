/**
 * Loads the multipart code and starts its hashing workers, e.g. once the page is idle: the first
 * large file then starts at once, and none of it weighs on the first paint.
 */
export async function warmUpMultipart(): Promise<void> {
  const { warmUpMd5 } = await import('./multipart/run-multipart');
  warmUpMd5();
}
