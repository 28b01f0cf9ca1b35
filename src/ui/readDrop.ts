import type { PickedFile } from '../state/studioStore';

/**
 * Reads what was dropped on the page: files and folders, folders walked recursively through
 * `webkitGetAsEntry`. Paths keep the dropped folder's name first, as `webkitRelativePath` does.
 */
export async function readDrop(items: DataTransferItemList): Promise<PickedFile[]> {
  // Entries and files must be taken before the first await: the list is emptied once the drop handler returns.
  const dropped = [...items]
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }));
  const picked: PickedFile[] = [];
  for (const { entry, file } of dropped) {
    if (entry) await walk(entry, '', picked);
    else if (file) picked.push({ file, path: file.name });
  }
  return picked;
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most 100 entries per call: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, path, out);
  }
}

/** The files of a `webkitdirectory` input, with their relative paths. */
export function readInput(files: FileList): PickedFile[] {
  return [...files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}
