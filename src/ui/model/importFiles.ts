import { UserFacingError } from '../../core/errors';
import { filesFromZip, importModel, looksLikeZip } from '../../engine/model';
import type { ImportedModel, ModelFile } from '../../engine/model';
import type { PickedFile } from '../../state';

/** A checked import and the name to show it under. */
export interface OpenedModel {
  readonly imported: ImportedModel;
  readonly name: string;
}

/** The chosen archive's or folder's name: `hymenoptera-uint8.zip` -> `hymenoptera-uint8`, `tm-export/model.json` -> `tm-export`. */
function givenName(picked: readonly PickedFile[]): string {
  const first = picked[0]?.path ?? 'model';
  const folder = first.includes('/') ? first.slice(0, first.indexOf('/')) : null;
  return folder ?? first.replace(/\.zip$/i, '');
}

/**
 * Reads what was chosen (one `.zip`, or a model's files or folder) and checks it as a model export; throws a
 * `UserFacingError` naming what is wrong.
 */
export async function openModelFiles(picked: readonly PickedFile[]): Promise<OpenedModel> {
  const files: ModelFile[] = await Promise.all(picked.map(async (p) => ({ path: p.path, bytes: new Uint8Array(await p.file.arrayBuffer()) })));
  const archives = files.filter((f) => f.path.toLowerCase().endsWith('.zip') || looksLikeZip(f.bytes));
  if (archives.length > 1 || (archives.length === 1 && files.length > 1)) {
    throw new UserFacingError(`Give one model at a time: one .zip, or a model's files (model.json, weights.bin, metadata.json); got ${files.length} files, ${archives.length} of them archives`);
  }
  const archive = archives[0];
  const imported = importModel(archive ? filesFromZip(archive.bytes, archive.path) : files);
  return { imported, name: imported.modelName && imported.kind === 'fine-tune-studio' ? imported.modelName : givenName(picked) };
}
