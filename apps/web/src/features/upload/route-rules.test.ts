import { describe, expect, it } from 'vitest';
import { describeRules, routeTitle } from './route-rules';

describe('describeRules', () => {
  it('says a photo route scales, converts and strips location data', () => {
    const lines = describeRules({
      name: 'image',
      allowedTypes: ['image/jpeg', 'image/png'],
      maxBytes: 10 * 1024 * 1024,
      onePerUser: false,
      image: { maxEdge: 2048, format: 'image/webp', quality: 0.85, stripMetadata: true },
    });
    expect(lines).toEqual([
      'JPG or PNG, up to 10 MiB each.',
      'Scaled to at most 2048 px on the longer edge and saved as WEBP.',
      'Location and camera details are removed before upload.',
    ]);
  });

  it('says an avatar replaces the previous one, and names unknown routes', () => {
    expect(describeRules({ name: 'avatar', allowedTypes: ['application/pdf'], maxBytes: 1024, onePerUser: true })).toContain('One file per person: a new upload replaces the old one.');
    expect(routeTitle('image')).toBe('Photos');
    expect(routeTitle('invoices')).toBe('Invoices');
  });
});
