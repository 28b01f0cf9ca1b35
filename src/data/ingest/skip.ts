/**
 * Which listed files are images the studio can use, and why the others are not: system files, formats
 * browsers cannot decode, other non-images, empty files. Pure: judged by path and size alone.
 */
import { isSystemName } from './folders';

/** Lower-case file extensions (without the dot) read as images. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'avif']);

/** Image formats browsers cannot decode, by lower-case extension, with the name to show. */
const UNDECODABLE_FORMATS: Readonly<Record<string, string>> = { heic: 'HEIC', heif: 'HEIF', tif: 'TIFF', tiff: 'TIFF' };

/** The lower-case extension of the last segment, without the dot (`''` when none or a dotfile). */
export function extensionOf(segments: readonly string[]): string {
  const fileName = segments[segments.length - 1] ?? '';
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/**
 * Why a file is not an image to use, judged by its path segments and size alone; undefined when it is one.
 * Order matters: system files first (a `.DS_Store` is not worth an extension message), then formats browsers
 * cannot decode (HEIC, HEIF, TIFF, saying what to do), then other non-images, then size.
 */
export function imageSkipReason(segments: readonly string[], size: number): string | undefined {
  if (segments.some(isSystemName)) return 'system file';
  const extension = extensionOf(segments);
  const undecodable = Object.hasOwn(UNDECODABLE_FORMATS, extension) ? UNDECODABLE_FORMATS[extension] : undefined;
  if (undecodable !== undefined) return `${undecodable} is not supported by browsers: convert to JPEG or PNG`;
  if (!IMAGE_EXTENSIONS.has(extension)) {
    return extension ? `not an image (.${extension})` : 'not an image (no extension)';
  }
  if (size <= 0) return 'empty file (0 bytes)';
  return undefined;
}
