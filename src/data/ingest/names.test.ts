import { describe, expect, it } from 'vitest';
import { createNameLookup, pathSegments } from './names';

describe('createNameLookup', () => {
  const paths = [
    'poke/images/bulbasaur.png', // 0
    'poke/images/Ivysaur.jpg', // 1
    'faces/Female400/pic249.jpg', // 2
    'faces/Male400/pic249.jpg', // 3
    'faces/Male400/pic226.jpg', // 4
    'x/a/Cat.png', // 5
    'x/b/cat.png', // 6
  ];
  const lookup = createNameLookup(paths);

  it('matches with or without the extension and with or without the folders above the file', () => {
    for (const name of ['bulbasaur', 'bulbasaur.png', 'images/bulbasaur', 'images/bulbasaur.png', 'poke/images/bulbasaur.png']) {
      expect(lookup(name), name).toEqual([0]);
    }
    expect(lookup('./images\\bulbasaur.png')).toEqual([0]);
    expect(lookup(' bulbasaur ')).toEqual([0]);
  });

  it('tries the exact case first, then any case', () => {
    expect(lookup('Ivysaur')).toEqual([1]);
    expect(lookup('ivysaur.JPG')).toEqual([1]);
    expect(lookup('cat')).toEqual([6]);
    expect(lookup('Cat.png')).toEqual([5]);
    expect(lookup('CAT')).toEqual([5, 6]);
  });

  it('returns every image an ambiguous name can mean, and one for a name with its folder', () => {
    expect(lookup('pic249')).toEqual([2, 3]);
    expect(lookup('Female400/pic249')).toEqual([2]);
    expect(lookup('pic226')).toEqual([4]);
  });

  it('drops leading folders the listing does not have, never one it has', () => {
    expect(lookup('/content/drive/images/bulbasaur.png')).toEqual([0]);
    expect(lookup('C:\\data\\pic226.jpg')).toEqual([4]);
    expect(lookup('Female400/pic226')).toEqual([]);
  });

  it('finds nothing for unknown or empty names, or a folder name', () => {
    expect(lookup('charmander')).toEqual([]);
    expect(lookup('')).toEqual([]);
    expect(lookup('images')).toEqual([]);
    expect(lookup('bulbasaur.jpg')).toEqual([]);
  });
});

describe('pathSegments', () => {
  it('splits on both slashes and drops empty and `.` segments', () => {
    expect(pathSegments('/a\\b/./c.png')).toEqual(['a', 'b', 'c.png']);
  });
});
