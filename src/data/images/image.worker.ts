/**
 * Image worker entry: thin on purpose. Each request is answered by `decodeViewTimed` or `decodeViewsTimed`
 * (the timed forms of `decodeImageToRgb` and `decodeViewsToRgb`) or `scanImage` (tested in Node); several may
 * be in flight at once, and each gets exactly one response. A bad file fails only its own request: every error
 * is caught and sent back as a message.
 */
import { errorMessage } from '../../core/errors';
import { decodeViewTimed, decodeViewsTimed } from './decode';
import { IMAGE_REQUEST, type ImageRequest, type ImageResponse } from './protocol';
import { scanImage } from './scan';

const reply = (response: ImageResponse, transfer: Transferable[] = []): void => postMessage(response, { transfer });

async function answer(request: ImageRequest): Promise<void> {
  const { id } = request;
  try {
    if (request.type === IMAGE_REQUEST.decode) {
      const { view: result, decodeMs, drawMs } = await decodeViewTimed(request.blob, { sizePx: request.sizePx, params: request.params, fit: request.fit });
      // The pixels move to the pool instead of being copied.
      reply({ id, ok: true, type: IMAGE_REQUEST.decode, result, timing: { decodeMs, drawMs } }, [result.buffer]);
    } else if (request.type === IMAGE_REQUEST.decodeViews) {
      const { views: result, decodeMs, drawMs } = await decodeViewsTimed(request.blob, { sizePx: request.sizePx, views: request.views, fit: request.fit });
      reply({ id, ok: true, type: IMAGE_REQUEST.decodeViews, result, timing: { decodeMs, drawMs } }, result.map((view) => view.buffer));
    } else {
      reply({ id, ok: true, type: IMAGE_REQUEST.scan, result: await scanImage(request.blob) });
    }
  } catch (error) {
    reply({ id, ok: false, message: errorMessage(error) });
  }
}

addEventListener('message', (event: MessageEvent<ImageRequest>) => {
  void answer(event.data);
});
