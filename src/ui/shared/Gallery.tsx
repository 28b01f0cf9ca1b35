import type { ReactNode } from 'react';

/**
 * A scrolling row of thumbnails (`.gallery`: wraps, scrolls past 420 px). It is a named region in the tab
 * order, so a keyboard user can reach it and scroll it with the arrow keys, and a screen reader says what it holds.
 */
export function Gallery(props: { readonly label: string; readonly className?: string; readonly testId?: string; readonly children: ReactNode }) {
  return (
    <div className={props.className ? `gallery ${props.className}` : 'gallery'} role="region" aria-label={props.label} tabIndex={0} data-testid={props.testId}>
      {props.children}
    </div>
  );
}
