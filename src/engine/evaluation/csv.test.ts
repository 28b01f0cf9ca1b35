import { describe, expect, it } from 'vitest';
import { csvField, predictionsCsv, toCsv } from './csv';
import { parseCsv } from '../testing/parseCsv';


describe('csvField', () => {
  it('leaves plain fields alone and quotes commas, quotes and line breaks', () => {
    expect(csvField('ants/1.jpg')).toBe('ants/1.jpg');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField('a,b.jpg')).toBe('"a,b.jpg"');
    expect(csvField('say "hi".png')).toBe('"say ""hi"".png"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('')).toBe('');
  });
});

describe('toCsv', () => {
  it('round-trips awkward fields through an RFC 4180 reader', () => {
    const rows = [
      ['file', 'x'],
      ['a,"b",c.jpg', 'x\r\ny'],
      ['<img src=x onerror=alert(1)>.jpg', '=1+1'],
    ];
    const text = toCsv(rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual(rows);
  });
});

describe('predictionsCsv', () => {
  it('writes the header and one row per prediction with full-precision confidence', () => {
    const text = predictionsCsv([
      { file: 'test/rock/a, "b".png', split: 'test', trueClass: 'rock', predictedClass: 'paper', confidence: 0.8123456789 },
      { file: 'val/paper/c.png', split: 'val', trueClass: 'paper', predictedClass: 'paper', confidence: 1 },
    ]);
    expect(text.split('\r\n')[0]).toBe('file,true_class,predicted_class,confidence,split');
    expect(parseCsv(text)).toEqual([
      ['file', 'true_class', 'predicted_class', 'confidence', 'split'],
      ['test/rock/a, "b".png', 'rock', 'paper', '0.8123456789', 'test'],
      ['val/paper/c.png', 'paper', 'paper', '1', 'val'],
    ]);
  });

  it('writes only the header when there are no predictions', () => {
    expect(predictionsCsv([])).toBe('file,true_class,predicted_class,confidence,split\r\n');
  });
});
