/**
 * The ONNX download: one `.zip` holding `model.onnx`, `labels.txt` (one class a line, in output order, as
 * LiteRT/MediaPipe tools and most ONNX samples read labels) and a README with the preprocessing and code
 * for onnxruntime in Python and in JavaScript. Plain TypeScript: the page zips what the worker converted.
 */
import { zipSync } from 'fflate';
import type { ClassifierModel } from '../../model/classifierModel';
import { ONNX_INPUT, ONNX_OUTPUT } from './onnxExport';
import { ONNX_OPSET } from './onnxBuilder';

export const ONNX_FILES = { model: 'model.onnx', labels: 'labels.txt', readme: 'README.md' } as const;

type ModelInfo = Pick<ClassifierModel, 'labels' | 'imageSizePx' | 'backbone' | 'calibration'>;

/** The README of an ONNX export. */
export function onnxReadme(info: ModelInfo, name: string, now: Date): string {
  const s = info.imageSizePx;
  const calibration = info.calibration
    ? `\n- Calibrated confidence (fitted on the validation split): softmax(log(p) / ${info.calibration.temperature.toFixed(4)}); answer "unknown" when its top value is under ${info.calibration.unknownThreshold.toFixed(4)}. Also in the model's metadata under \`calibration\`.`
    : '';
  return `# ${name}: image classifier (ONNX)

Exported by Fine-Tune Studio on ${now.toISOString()}: opset ${ONNX_OPSET}, float32 weights, backbone ${info.backbone}.

- Classes, in output order: \`labels.txt\` (also in the model's metadata, \`labels\`, as JSON).
- Input \`${ONNX_INPUT}\`: float32 \`[n, ${s}, ${s}, 3]\`, channels last (NHWC), RGB. Centre-crop each photo to a
  square, resize it to ${s}x${s}, and feed each pixel p in [0, 255] as \`p / 127 - 1\`.
- Output \`${ONNX_OUTPUT}\`: float32 \`[n, ${info.labels.length}]\`, softmax probabilities.${calibration}

## Python (onnxruntime)

\`\`\`python
import numpy as np, onnxruntime as ort
from PIL import Image

labels = open("labels.txt", encoding="utf-8").read().splitlines()
session = ort.InferenceSession("model.onnx")
image = Image.open("photo.jpg").convert("RGB")
side = min(image.size)
left, top = (image.width - side) // 2, (image.height - side) // 2
image = image.crop((left, top, left + side, top + side)).resize((${s}, ${s}), Image.BILINEAR)
x = (np.asarray(image, dtype=np.float32) / 127 - 1)[None]
p = session.run(["${ONNX_OUTPUT}"], {"${ONNX_INPUT}": x})[0][0]
print(labels[int(p.argmax())], float(p.max()))
\`\`\`

## JavaScript (onnxruntime-web in the browser; onnxruntime-node alike)

\`\`\`js
import * as ort from 'onnxruntime-web';

const labels = (await (await fetch('labels.txt')).text()).trim().split('\\n');
const session = await ort.InferenceSession.create('model.onnx');
const canvas = new OffscreenCanvas(${s}, ${s});
const context = canvas.getContext('2d');
const side = Math.min(image.width, image.height); // an <img> or ImageBitmap
context.drawImage(image, (image.width - side) / 2, (image.height - side) / 2, side, side, 0, 0, ${s}, ${s});
const rgba = context.getImageData(0, 0, ${s}, ${s}).data;
const x = new Float32Array(${s} * ${s} * 3);
for (let i = 0; i < ${s} * ${s}; i++) for (let c = 0; c < 3; c++) x[i * 3 + c] = rgba[i * 4 + c] / 127 - 1;
const { ${ONNX_OUTPUT} } = await session.run({ ${ONNX_INPUT}: new ort.Tensor('float32', x, [1, ${s}, ${s}, 3]) });
const p = Array.from(${ONNX_OUTPUT}.data);
console.log(labels[p.indexOf(Math.max(...p))], Math.max(...p));
\`\`\`
`;
}

/** The ONNX export's `.zip` bytes. */
export function onnxZip(onnxBytes: Uint8Array, info: ModelInfo, name: string, now = new Date()): Uint8Array {
  const text = (value: string): Uint8Array => new TextEncoder().encode(value);
  const mtime = now;
  return zipSync({
    [ONNX_FILES.model]: [onnxBytes, { level: 0, mtime }],
    [ONNX_FILES.labels]: [text(`${info.labels.join('\n')}\n`), { mtime }],
    [ONNX_FILES.readme]: [text(onnxReadme(info, name, now)), { mtime }],
  });
}
