import { Thumbnail } from '../shared/Thumbnail';
import { Gallery } from '../shared/Gallery';

/** One image of a duplicate group or pair: its file (preview), path, class and split. */
export interface DuplicateMember {
  readonly path: string;
  readonly file: Blob | null;
  readonly className: string;
  readonly split: string;
}

interface DuplicateSetProps {
  readonly members: readonly DuplicateMember[];
  /** A line above the images (e.g. "6 bits apart"). */
  readonly caption?: string;
  readonly testId: string;
}

/** Images that are copies (or near copies) of each other, side by side, each with its path, class and split. */
export function DuplicateSet({ members, caption, testId }: DuplicateSetProps) {
  return (
    <div className="duplicate-set" data-testid={testId}>
      {caption && <p className="muted">{caption}</p>}
      <Gallery label={caption ?? 'Copies'}>
        {members.map((m) => (
          <Thumbnail key={m.path} file={m.file} path={m.path}>
            <strong className="label" data-testid="duplicate-class">
              {m.className}
            </strong>{' '}
            <span className="muted">({m.split})</span>
          </Thumbnail>
        ))}
      </Gallery>
    </div>
  );
}
