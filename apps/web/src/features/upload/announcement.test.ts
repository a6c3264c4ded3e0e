import { describe, expect, it } from 'vitest';
import { announcement } from './announcement';
import type { UploadItem } from './upload-item';

const item = (id: string, name: string, status: UploadItem['status']): UploadItem => {
  const file = new File([], name);
  return { id, file, original: file, status, loaded: 0, speed: 0, secondsLeft: null };
};
const statuses = (items: UploadItem[]) => new Map(items.map((i) => [i.id, i.status]));

describe('announcement', () => {
  it('names a lone file once it is uploaded', () => {
    const before = [item('a', 'holiday.png', 'verifying')];
    expect(announcement(statuses(before), [item('a', 'holiday.png', 'done')])).toBe('holiday.png uploaded.');
  });

  it('counts the batch, leaving out refused files', () => {
    const before = [item('a', 'a.png', 'done'), item('b', 'b.png', 'uploading'), item('c', 'c.png', 'uploading'), item('d', 'd.exe', 'refused')];
    const after = [item('a', 'a.png', 'done'), item('b', 'b.png', 'done'), item('c', 'c.png', 'uploading'), item('d', 'd.exe', 'refused')];
    expect(announcement(statuses(before), after)).toBe('b.png uploaded. 2 of 3 files uploaded.');
  });

  it('says nothing for progress, nor for a file it never saw in flight', () => {
    const before = [item('a', 'a.png', 'uploading')];
    expect(announcement(statuses(before), [item('a', 'a.png', 'uploading')])).toBeNull();
    expect(announcement(new Map(), [item('z', 'z.png', 'done')])).toBeNull();
  });

  it('announces cancellations', () => {
    const before = [item('a', 'a.png', 'uploading'), item('b', 'b.png', 'uploading')];
    expect(announcement(statuses(before), [item('a', 'a.png', 'cancelled'), item('b', 'b.png', 'cancelled')])).toBe('2 uploads cancelled.');
  });
});
