/** Front door of data/images: decoding, photo fit, augmentation, hashes and the image worker pool. */
export { DEFAULT_AUGMENT, sampleAugmentParams, viewSeed } from './augment';
export type { AugmentParams, AugmentSettings } from './augment';
export { decodeImageToRgb, renderRgb } from './decode';
export { createImagePool, defaultPoolSize } from './imagePool';
export type { ImagePool, ImageWork } from './imagePool';
export { DEFAULT_PHOTO_FIT, PHOTO_FITS, checkPhotoFit } from './photoFit';
export type { PhotoFit } from './photoFit';
