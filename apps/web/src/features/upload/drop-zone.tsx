import { useId, useRef, useState, type DragEvent } from 'react';

interface Props {
  accept: string;
  onFiles: (files: File[]) => void;
  hint: string;
}

/**
 * A file picker that also takes dropped files. The native input stays in the page, focusable and
 * labelled (only visually hidden), so Tab reaches it and Enter or Space opens the picker.
 */
export function DropZone({ accept, onFiles, hint }: Props) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const inputId = useId();

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    onFiles([...event.dataTransfer.files]);
  };

  return (
    <div
      className={`drop-zone${over ? ' over' : ''}`}
      data-testid="drop-zone"
      // A click anywhere on the zone opens the picker too; the keyboard path is the input itself.
      onClick={(event) => {
        if (event.target === event.currentTarget) input.current?.click();
      }}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={onDrop}
    >
      <p className="drop-title">
        <strong>Drop files here</strong>, paste them, or
      </p>
      <input
        ref={input}
        id={inputId}
        className="visually-hidden"
        type="file"
        multiple
        accept={accept}
        aria-describedby={hintId}
        onChange={(event) => {
          onFiles([...(event.target.files ?? [])]);
          event.target.value = '';
        }}
      />
      <label htmlFor={inputId} className="button picker">
        Choose files
      </label>
      <small id={hintId}>{hint}</small>
    </div>
  );
}
