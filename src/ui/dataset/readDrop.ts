import type { PickedFile } from '../../state';

/**
 * Reads what was dropped on the page: files and folders, several at once, folders walked recursively
 * through `webkitGetAsEntry`. Paths keep the dropped folder's name first, as `webkitRelativePath` does; a
 * dropped file (a `.zip` included) keeps its own name, and the store unpacks archives. An empty folder is
 * listed as its path and `/`, so that an empty class folder gets a note (the folder input cannot see them).
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
  let children = 0;
  // readEntries returns at most 100 entries per call: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children += batch.length;
    for (const child of batch) await walk(child, path, out);
  }
  if (children === 0) out.push(emptyFolder(path));
}

/** An empty folder, listed as its path with a trailing `/` (see `isFolderEntry` in data/ingest). */
const emptyFolder = (path: string): PickedFile => ({ file: new Blob([]), path: `${path}/` });

/** The files of a `webkitdirectory` (or plain file) input, with their relative paths. */
export function readInput(files: FileList): PickedFile[] {
  return [...files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/**
 * The parts of the File System Access API used here. TypeScript's DOM library lists neither
 * `showDirectoryPicker` (Chromium only) nor, without `DOM.AsyncIterable`, a directory's `values()`.
 */
interface DirectoryHandle {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<DirectoryHandle | FileHandle>;
}
interface FileHandle {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
}
type PickerWindow = Window & { showDirectoryPicker?: (options?: { mode?: 'read' }) => Promise<DirectoryHandle> };

/** Whether this browser offers `window.showDirectoryPicker` (Chromium-based browsers do; Firefox and Safari do not). */
export function canPickDirectory(): boolean {
  return typeof (window as PickerWindow).showDirectoryPicker === 'function';
}

/**
 * Asks the user for a folder with `showDirectoryPicker` and lists every file under it, paths starting with
 * the folder's name as `webkitRelativePath` does, and each empty folder as its path and `/`. Resolves to null
 * when the user closes the picker.
 */
export async function pickDirectory(): Promise<PickedFile[] | null> {
  const show = (window as PickerWindow).showDirectoryPicker;
  if (!show) return null;
  let root: DirectoryHandle;
  try {
    root = await show.call(window, { mode: 'read' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
  const picked: PickedFile[] = [];
  await walkHandle(root, root.name, picked);
  return picked;
}

async function walkHandle(directory: DirectoryHandle, path: string, out: PickedFile[]): Promise<void> {
  let children = 0;
  for await (const handle of directory.values()) {
    children++;
    const childPath = `${path}/${handle.name}`;
    if (handle.kind === 'file') out.push({ file: await handle.getFile(), path: childPath });
    else await walkHandle(handle, childPath, out);
  }
  if (children === 0) out.push(emptyFolder(path));
}
