import { useCallback } from 'react';
import type { ReactNode } from 'react';

interface ThumbnailProps {
  /** The user's own file; null when it is no longer available. */
  readonly file: Blob | null;
  /** Path of the file inside the chosen folder, shown as text. */
  readonly path: string;
  /** `right` draws a green frame, `wrong` a red one. */
  readonly tone?: 'right' | 'wrong';
  /** Drawn over the image, filling its box (a heatmap); the image is wrapped in a `.thumb-picture` only when given. */
  readonly overlay?: ReactNode;
  readonly children?: ReactNode;
}

/**
 * One image from the user's files, with its path and a caption. The object URL is created when the image
 * is attached and revoked when it is detached (React 19 ref cleanup), so only images on screen hold one.
 */
export function Thumbnail({ file, path, tone, overlay, children }: ThumbnailProps) {
  const attach = useCallback(
    (img: HTMLImageElement | null) => {
      if (!img || !file) return undefined;
      const url = URL.createObjectURL(file);
      img.src = url;
      return () => URL.revokeObjectURL(url);
    },
    [file],
  );
  const name = path.slice(path.lastIndexOf('/') + 1);
  const picture = file ? <img ref={attach} alt={name} loading="lazy" width={96} height={96} /> : <div className="missing">no file</div>;
  return (
    <figure className={`thumb${tone ? ` ${tone}` : ''}`} data-testid="thumb" title={path}>
      {overlay === undefined ? (
        picture
      ) : (
        <div className="thumb-picture">
          {picture}
          {overlay}
        </div>
      )}
      <figcaption>
        <span className="thumb-file" data-testid="thumb-file">
          {path}
        </span>
        {children}
      </figcaption>
    </figure>
  );
}
