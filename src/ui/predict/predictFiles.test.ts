import { describe, expect, it } from 'vitest';
import { formatPercent, predictCsv, predictInputs, predictRows } from './predictFiles';

const picked = (path: string, bytes = 10) => ({ path, file: new Blob([new Uint8Array(bytes)]) });

describe('predictInputs', () => {
  it('names images below the chosen folder and lists the other files with their reason', () => {
    const { inputs, skipped } = predictInputs([
      picked('new/b.jpg'),
      picked('new/sub/a.PNG'),
      picked('new/notes.txt'),
      picked('new/.DS_Store'),
      picked('new/empty.jpg', 0),
    ]);
    expect(inputs.map((i) => i.name)).toEqual(['b.jpg', 'sub/a.PNG']);
    expect(skipped).toEqual([
      { name: '.DS_Store', reason: 'system file' },
      { name: 'empty.jpg', reason: 'empty file (0 bytes)' },
      { name: 'notes.txt', reason: 'not an image (.txt)' },
    ]);
  });

  it('keeps loose files by their own names', () => {
    expect(predictInputs([picked('x.jpg'), picked('y.webp')]).inputs.map((i) => i.name)).toEqual(['x.jpg', 'y.webp']);
  });
});

describe('predictCsv', () => {
  const inputs = [picked('a,1.jpg'), picked('b.jpg'), picked('c.jpg')].map((p) => ({ file: p.file, name: p.path }));
  const rows = predictRows(inputs, [
    { index: 2, top: [{ label: 'cat', probability: 0.75 }, { label: 'dog', probability: 0.25 }] },
    { index: 0, top: [{ label: 'dog', probability: 0.998 }] },
    { index: 1, error: 'could not decode image' },
  ]);

  it('writes file,label,confidence for every image read, with the mapped label (RFC 4180)', () => {
    expect(predictCsv(rows, new Map())).toBe('file,label,confidence\r\nc.jpg,cat,0.75\r\n"a,1.jpg",dog,0.998\r\n');
    expect(predictCsv(rows, new Map([['cat', '1'], ['dog', '-1']]))).toBe('file,label,confidence\r\nc.jpg,1,0.75\r\n"a,1.jpg",-1,0.998\r\n');
  });

  it('uses no inherited property as a mapping', () => {
    const odd = predictRows(inputs, [{ index: 0, top: [{ label: 'constructor', probability: 1 }] }]);
    expect(predictCsv(odd, new Map())).toBe('file,label,confidence\r\n"a,1.jpg",constructor,1\r\n');
  });
});

describe('formatPercent', () => {
  it('shows one decimal and never rounds to a certainty that is not there', () => {
    expect([0.998, 0.5, 1, 0, 0.99999, 0.00001, 0.0449].map(formatPercent)).toEqual(['99.8%', '50.0%', '100%', '0%', '>99.9%', '<0.1%', '4.5%']);
  });
});
