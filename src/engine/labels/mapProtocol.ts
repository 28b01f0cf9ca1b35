/** Messages between the page and the map worker. */
export interface MapRequest {
  /** One feature row of `dim` values per image. */
  readonly values: Float32Array;
  readonly dim: number;
  readonly seed: number;
}

export type MapResponse =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly points: Float32Array }
  | { readonly type: 'error'; readonly message: string };
