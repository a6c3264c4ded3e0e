import jpeg from 'jpeg-js';
import piexif from 'piexifjs';

/** Where and with what the fixture photo says it was taken. */
export const PHOTO_TAGS = { make: 'TestCam', model: 'Pocket 9', latitude: 48.85, longitude: 2.35 } as const;

const degrees = (value: number): Array<[number, number]> => {
  const d = Math.floor(value);
  const m = Math.floor((value - d) * 60);
  const s = Math.round(((value - d) * 60 - m) * 60 * 100);
  return [
    [d, 1],
    [m, 1],
    [s, 100],
  ];
};

/**
 * A real JPEG, top half red and bottom half blue as stored, with EXIF camera (Make, Model), date,
 * GPS position and an orientation tag (6: shown turned 90° clockwise, as a phone held upright writes it).
 */
export function makeExifJpeg({ width, height, orientation = 1, exif: withExif = true }: { width: number; height: number; orientation?: number; exif?: boolean }): Buffer {
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      const top = y < height / 2;
      pixels.set([top ? 255 : 0, 0, top ? 0 : 255, 255], at);
    }
  }
  const plain = jpeg.encode({ data: pixels, width, height }, 90).data;
  if (!withExif) return Buffer.from(plain);
  const exif = piexif.dump({
    '0th': {
      [piexif.ImageIFD.Make]: PHOTO_TAGS.make,
      [piexif.ImageIFD.Model]: PHOTO_TAGS.model,
      [piexif.ImageIFD.Orientation]: orientation,
      [piexif.ImageIFD.Software]: 'fixture',
    },
    Exif: { [piexif.ExifIFD.DateTimeOriginal]: '2026:07:14 12:00:00', [piexif.ExifIFD.LensModel]: 'Fixture 24mm' },
    GPS: {
      [piexif.GPSIFD.GPSLatitudeRef]: 'N',
      [piexif.GPSIFD.GPSLatitude]: degrees(PHOTO_TAGS.latitude),
      [piexif.GPSIFD.GPSLongitudeRef]: 'E',
      [piexif.GPSIFD.GPSLongitude]: degrees(PHOTO_TAGS.longitude),
    },
  });
  return Buffer.from(piexif.insert(exif, Buffer.from(plain).toString('binary')), 'binary');
}

/** RGB of one pixel of a JPEG, decoded with jpeg-js (not the browser under test). */
export function pixelAt(image: { width: number; data: Uint8Array }, x: number, y: number): [number, number, number] {
  const at = (Math.floor(y) * image.width + Math.floor(x)) * 4;
  return [image.data[at]!, image.data[at + 1]!, image.data[at + 2]!];
}
