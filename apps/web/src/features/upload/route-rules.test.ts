import { describe, expect, it } from 'vitest';
import { describeRules, routeTitle } from './route-rules';

describe('describeRules', () => {
  it('says a photo route scales, converts and strips location data', () => {
    const lines = describeRules({
      name: 'photo',
      allowedTypes: ['image/jpeg', 'image/png'],
      maxBytes: 20 * 1024 * 1024,
      maxFiles: null,
      replace: false,
      image: { maxEdge: 2048, format: 'image/webp', quality: 0.85 },
    });
    expect(lines).toEqual([
      'JPG or PNG, up to 20 MiB each.',
      'Location and camera details are removed from photos before upload.',
      'Photos are scaled down to at most 2048 px on the longer side and saved as WEBP.',
    ]);
  });

  it('says an avatar replaces the previous one, a capped route caps, and names unknown routes', () => {
    const base = { name: 'x', allowedTypes: ['application/pdf'], maxBytes: 1024, image: null };
    expect(describeRules({ ...base, maxFiles: 1, replace: true })).toEqual(['PDF, up to 1 KiB each.', 'One file per person: a new upload replaces the oldest.']);
    expect(describeRules({ ...base, maxFiles: 3, replace: false })[1]).toBe('3 files per person at most.');
    expect(describeRules({ ...base, maxFiles: null, replace: false })).toHaveLength(1);
    expect(routeTitle('photo')).toBe('Photos');
    expect(routeTitle('invoices')).toBe('Invoices');
  });
});
