import { fileTypeFromBuffer } from 'file-type/core';
import { WHOLE_CHECKED_TYPES } from './policy';
import { svgProblem } from './svg-check';

/** How many leading bytes `complete` reads to check what a file with a signature really is. */
export const SNIFF_BYTES = 4100;

/** Detected types accepted for a declared type, where a format has several names. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  'video/mp4': ['video/mp4', 'video/x-m4v'],
  'video/quicktime': ['video/quicktime'],
  'audio/mpeg': ['audio/mpeg', 'audio/mp3'],
  'application/zip': ['application/zip'],
};

/** Anything a browser could take for a tag: text files carry none. */
const MARKUP = /<[A-Za-z!?/]/;

/** How many bytes of a file of this type and size `complete` must read: SVG and text are read whole. */
export function bytesToCheck(declaredType: string, size: number): number {
  return WHOLE_CHECKED_TYPES.includes(declaredType) ? size : Math.min(size, SNIFF_BYTES);
}

function decodeText(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

/**
 * Checks that a file is what its declared type says: by its signature (file-type, on the first
 * bytes), or for SVG and text, which have none, by reading all of it (see `bytesToCheck`): SVG
 * must consist of allowed drawing markup only, text of no markup at all. Returns why not, or null.
 * @param truncated whether `bytes` is a prefix of a longer file
 */
export async function checkContent(bytes: Uint8Array, declaredType: string, truncated = false): Promise<string | null> {
  const detected = await fileTypeFromBuffer(bytes);
  if (WHOLE_CHECKED_TYPES.includes(declaredType)) {
    // file-type names a file that starts with an XML declaration application/xml.
    const xml = declaredType === 'image/svg+xml' && (detected?.mime === 'application/xml' || detected?.mime === 'image/svg+xml');
    if (detected && !xml) return `its content is ${detected.mime}, not ${declaredType}`;
    if (truncated) return `a ${declaredType} file is checked whole, and only part of it was read`;
    const text = decodeText(bytes);
    if (text === null) return `its content is binary, not ${declaredType}`;
    if (declaredType === 'image/svg+xml') {
      const problem = svgProblem(text);
      return problem ? `it contains active markup or markup outside the allowed SVG drawing subset: ${problem}` : null;
    }
    const at = text.search(MARKUP);
    if (at >= 0) return `it contains active markup (HTML or script), which a ${declaredType} file may not: "${text.slice(at, at + 20)}" at character ${at}`;
    return null;
  }
  if (!detected) return `its content is not ${declaredType} (no ${declaredType} signature found)`;
  const accepted = ALIASES[declaredType] ?? [declaredType];
  if (!accepted.includes(detected.mime)) return `its content is ${detected.mime}, not ${declaredType}`;
  return null;
}
