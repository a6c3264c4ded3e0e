/** S3's error code and message from an XML error body; `HTTP <status>` or NetworkError when there is none. */
export function parseStoreError(text: string, status: number): { code: string; message: string | undefined } {
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? (status ? `HTTP ${status}` : 'NetworkError');
  return { code, message: /<Message>([^<]+)<\/Message>/.exec(text)?.[1] };
}
