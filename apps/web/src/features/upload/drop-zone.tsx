import { useState, type DragEvent } from 'react';

/** A file picker that also takes dropped files. */
export function DropZone({ accept, onFiles, hint }: { accept: string; onFiles: (files: File[]) => void; hint: string }) {
  const [over, setOver] = useState(false);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    onFiles([...event.dataTransfer.files]);
  };

  return (
    <label
      className={`drop-zone${over ? ' over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <strong>Drop files here</strong> or choose them
      <input
        type="file"
        multiple
        accept={accept}
        onChange={(event) => {
          onFiles([...(event.target.files ?? [])]);
          event.target.value = '';
        }}
      />
      <small>{hint}</small>
    </label>
  );
}
