import { fileTypeFromBuffer } from 'file-type/core';

/** How many leading bytes `complete` reads to check what a file really is. */
export const SNIFF_BYTES = 4100;

/** Detected types accepted for a declared type, where a format has several names. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  'video/mp4': ['video/mp4', 'video/x-m4v'],
  'video/quicktime': ['video/quicktime'],
  'audio/mpeg': ['audio/mpeg', 'audio/mp3'],
  'application/zip': ['application/zip'],
};

/** Types that have no signature: plain text, checked for binary or markup instead. */
const TEXT_TYPES = new Set(['text/plain', 'text/csv']);

const ACTIVE_MARKUP = /<\s*(script|html|body|iframe|object|embed|foreignobject)\b|\bon[a-z]+\s*=|javascript:/i;

function decodeText(bytes: Uint8Array, truncated: boolean): string | null {
  // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes.
  for (let cut = 0; cut <= (truncated ? 3 : 0); cut++) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
      return text.includes('\u0000') ? null : text;
    } catch {
      // try a shorter sample
    }
  }
  return null;
}

/**
 * Checks that the first bytes of a file are what its declared type says, by their signature
 * (file-type). Returns why not, or null when the content matches.
 * @param truncated whether `bytes` is a prefix of a longer file
 */
export async function checkContent(bytes: Uint8Array, declaredType: string, truncated = false): Promise<string | null> {
  const detected = await fileTypeFromBuffer(bytes);
  if (TEXT_TYPES.has(declaredType) || declaredType === 'image/svg+xml') {
    if (detected) return `its content is ${detected.mime}, not ${declaredType}`;
    const text = decodeText(bytes, truncated);
    if (text === null) return `its content is binary, not ${declaredType}`;
    if (declaredType === 'image/svg+xml' && !/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype svg[^>]*>\s*)?<svg[\s>]/i.test(text)) {
      return 'its content is not an SVG image';
    }
    if (ACTIVE_MARKUP.test(text)) return `it contains active markup (HTML or script), which a ${declaredType} file may not`;
    return null;
  }
  if (!detected) return `its content is not ${declaredType} (no ${declaredType} signature found)`;
  const accepted = ALIASES[declaredType] ?? [declaredType];
  if (!accepted.includes(detected.mime)) return `its content is ${detected.mime}, not ${declaredType}`;
  return null;
}
