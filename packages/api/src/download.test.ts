import { describe, expect, it } from 'vitest';
import { downloadResponse } from './download';

const key = 'uploads/alice/0123456789abcdef0123456789abcdef-report.svg';

describe('download links', () => {
  it.each(['image/png', 'image/jpeg', 'video/mp4', 'application/pdf'])('%s opens inline', (type) => {
    expect(downloadResponse(key, type)).toEqual({ contentType: type, contentDisposition: 'inline' });
  });

  it.each(['image/svg+xml', 'text/plain', 'text/csv', 'application/zip', 'audio/mpeg', 'text/html', ''])('%j downloads as an attachment', (type) => {
    expect(downloadResponse(key, type)).toEqual({ contentType: 'application/octet-stream', contentDisposition: 'attachment; filename="report.svg"' });
  });

  it('with the original name: the same rule, the name in the disposition', () => {
    expect(downloadResponse(key, 'application/pdf', 'Über.pdf')).toEqual({
      contentType: 'application/pdf',
      contentDisposition: `inline; filename="Uber.pdf"; filename*=UTF-8''%C3%9Cber.pdf`,
    });
    expect(downloadResponse(key, 'image/svg+xml', 'logo.svg')).toEqual({
      contentType: 'application/octet-stream',
      contentDisposition: 'attachment; filename="logo.svg"',
    });
  });
});
