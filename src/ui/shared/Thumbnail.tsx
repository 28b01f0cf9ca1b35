import { useCallback } from 'react';
import type { ReactNode } from 'react';

interface ThumbnailProps {
  /** The user's own file; null when it is no longer available. */
  readonly file: Blob | null;
  /** Path of the file inside the chosen folder, shown as text. */
  readonly path: string;
  /** `right` draws a green frame, `wrong` a red one. */
  readonly tone?: 'right' | 'wrong';
  readonly children?: ReactNode;
}

/**
 * One image from the user's files, with its path and a caption. The object URL is created when the image
 * is attached and revoked when it is detached (React 19 ref cleanup), so only images on screen hold one.
 */
export function Thumbnail({ file, path, tone, children }: ThumbnailProps) {
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
  return (
    <figure className={`thumb${tone ? ` ${tone}` : ''}`} data-testid="thumb" title={path}>
      {file ? <img ref={attach} alt={name} loading="lazy" width={96} height={96} /> : <div className="missing">no file</div>}
      <figcaption>
        <span className="thumb-file" data-testid="thumb-file">
          {path}
        </span>
        {children}
      </figcaption>
    </figure>
  );
}
