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
});
