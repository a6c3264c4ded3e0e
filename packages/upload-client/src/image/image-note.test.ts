import { describe, expect, it } from 'vitest';
import { imageNote } from './image-note';

describe('imageNote', () => {
  it('says what happens to a photo, in words', () => {
    expect(imageNote({ maxEdge: 2048, format: 'image/jpeg' })).toBe(
      'Location and camera data are removed from photos before upload. Photos are scaled down to 2048 px on the longer side and saved as JPEG.',
    );
    expect(imageNote({})).toBe('Location and camera data are removed from photos before upload.');
    expect(imageNote({ stripMetadata: false, format: 'image/webp' })).toBe('Photos are saved as WebP.');
  });

  it('says nothing when photos stay as they are', () => {
    expect(imageNote(undefined)).toBeUndefined();
    expect(imageNote({ stripMetadata: false })).toBeUndefined();
  });
});
