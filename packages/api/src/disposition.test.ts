import reference from 'content-disposition';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiFileName, contentDisposition, safeFileName } from './disposition';

const names = [
  'report.pdf',
  'Überraschung – 東京 ✓.pdf',
  'naïve café.png',
  '👩‍👩‍👧 family.jpg',
  'quote"and\\back.pdf',
  '100% sure.pdf',
  'a;b=c, d.pdf',
  "it's (1) *draft*.pdf",
  'evil\r\nSet-Cookie: x=1.pdf',
  'invoice\u202egpj.exe.pdf',
  '../../etc/passwd',
  'C:\\Users\\me\\photo.png',
  '\ud800lone.png',
  '   ',
];

describe('Content-Disposition with the original name', () => {
  it.each(names)('%j: the reference parser reads back the cleaned name, and the fallback is plain ASCII', (name) => {
    for (const type of ['inline', 'attachment'] as const) {
      const header = contentDisposition(type, name);
      expect(header).toMatch(/^[\x20-\x7e]+$/);
      const parsed = reference.parse(header);
      expect(parsed.type).toBe(type);
      expect(parsed.parameters.filename).toBe(safeFileName(name));
      const fallbackOnly = reference.parse(header.replace(/; filename\*=.*$/, ''));
      expect(fallbackOnly.parameters.filename).toBe(asciiFileName(safeFileName(name)));
      expect(fallbackOnly.parameters.filename).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('is what the reference library writes for the same name and fallback', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('inline' as const, 'attachment' as const), (name, type) => {
        const safe = safeFileName(name);
        const ours = contentDisposition(type, name);
        expect(ours).toBe(reference(safe, { type, fallback: asciiFileName(safe) }));
        expect(reference.parse(ours).parameters.filename).toBe(safe);
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it('names a plain file without filename*, and keeps no control, bidi override or path separator', () => {
    expect(contentDisposition('attachment', 'report.pdf')).toBe('attachment; filename="report.pdf"');
    expect(contentDisposition('inline', 'Überraschung – 東京 ✓.pdf')).toBe(
      `inline; filename="Uberraschung _ __ _.pdf"; filename*=UTF-8''%C3%9Cberraschung%20%E2%80%93%20%E6%9D%B1%E4%BA%AC%20%E2%9C%93.pdf`,
    );
    expect(safeFileName('evil\r\nx\u202e.pdf')).toBe('evil__x_.pdf');
    expect(safeFileName('../../etc/passwd')).toBe('.._.._etc_passwd');
  });
});
