import { describe, expect, it } from 'vitest';
import { extractLinks, findUrls } from './links.js';

const urls = (text: string): string[] => findUrls(text).map((link) => link.url);

describe('findUrls', () => {
  it('cuts the seed listing’s malformed brace link down to the repository', () => {
    expect(urls('Code: https://github.com/Zood123/COMET{https://github.com/Zood123/COMET}.')).toEqual([
      'https://github.com/Zood123/COMET',
      'https://github.com/Zood123/COMET',
    ]);
  });

  it.each([
    ['available at https://github.com/Guanzhou-Ke/MRDD.', 'https://github.com/Guanzhou-Ke/MRDD'],
    ['see https://github.com/a/b, and more', 'https://github.com/a/b'],
    ['(https://github.com/stogiannidis/srbench)\nand', 'https://github.com/stogiannidis/srbench'],
    ['[Github repository: https://github.com/mindslab25/CESMA.]', 'https://github.com/mindslab25/CESMA'],
    ['Project Page: https://x.github.io/OmniGen2; GitHub', 'https://x.github.io/OmniGen2'],
    [
      'Code is available at https://github.com/Ma-Lab-Berkeley/CRATE .',
      'https://github.com/Ma-Lab-Berkeley/CRATE',
    ],
    ['at \\href{https://github.com/zengkaiya/CaT}{here}.', 'https://github.com/zengkaiya/CaT'],
    ['Code: \\url{https://github.com/SPIN-UMass/VidStamp}', 'https://github.com/SPIN-UMass/VidStamp'],
    [
      '\\href{this\nlink}{http://www.lidarhumanmotion.net/climbingcap/}',
      'http://www.lidarhumanmotion.net/climbingcap/',
    ],
    ['link: https://github.com/simBauer/To\\_Glue\\_or\\_not', 'https://github.com/simBauer/To_Glue_or_not'],
    ['Wikipedia https://en.wikipedia.org/wiki/Foo_(bar).', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
    ['at https://github.com/SPIresearch/DGHMesh.(The code', 'https://github.com/SPIresearch/DGHMesh'],
    [
      'page https://candy-crusher.github.io/LiFR_Seg_Proj/#.',
      'https://candy-crusher.github.io/LiFR_Seg_Proj/',
    ],
    ['docs https://x.github.io/p/#usage, and', 'https://x.github.io/p/#usage'],
    ['released at https://github.\ncom/Euphoria16/DocMark.', 'https://github.com/Euphoria16/DocMark'],
    [
      'page is available at: https://4d-\nvisual-pretraining.github.io/',
      'https://4d-visual-pretraining.github.io/',
    ],
    ['Code will be at github.com/Xu3XiWang/CAD-GD.', 'https://github.com/Xu3XiWang/CAD-GD'],
    ['available at:https://github.com/DanielMing123/Inverse++', 'https://github.com/DanielMing123/Inverse++'],
    [
      '"https://huggingface.co/datasets/jmhb/microvqa", then',
      'https://huggingface.co/datasets/jmhb/microvqa',
    ],
  ])('finds the link in %j', (text, expected) => {
    expect(urls(text)).toEqual([expected]);
  });

  it('never leaves trailing punctuation on a link', () => {
    for (const tail of ['.', ',', ')', ';', '}', ':', '!', '?', '".', ').', '};', '.)']) {
      const [url] = urls(`at https://github.com/owner/repo${tail} next`);
      expect(url).toBe('https://github.com/owner/repo');
    }
  });

  it('ignores things that only look like the start of a URL', () => {
    expect(urls('the user@github.com/foo address and https:// alone')).toEqual([]);
  });
});

describe('extractLinks', () => {
  it('takes the repository from the seed listing’s brace link', () => {
    expect(
      extractLinks(
        'The code is available at https://github.com/Zood123/COMET{https://github.com/Zood123/COMET}.',
      ),
    ).toEqual({ codeUrl: 'https://github.com/Zood123/COMET', projectUrl: null });
  });

  it('tells project pages from code', () => {
    expect(
      extractLinks(
        'Project page: https://vectorspacelab.github.io/OmniGen2; GitHub Link: https://github.com/VectorSpaceLab/OmniGen2.',
      ),
    ).toEqual({
      codeUrl: 'https://github.com/VectorSpaceLab/OmniGen2',
      projectUrl: 'https://vectorspacelab.github.io/OmniGen2',
    });
    expect(extractLinks('The project page is available at https://lhchen.top/Human-MAC.')).toEqual({
      codeUrl: null,
      projectUrl: 'https://lhchen.top/Human-MAC',
    });
  });

  it('prefers a source repository over a Hugging Face one, and a labelled page over any other link', () => {
    expect(
      extractLinks(
        'Weights at https://huggingface.co/org/model and data at https://zenodo.org/records/1. Demo page: https://demo.example.org/x. Code: https://gitlab.com/group/proj.',
      ),
    ).toEqual({ codeUrl: 'https://gitlab.com/group/proj', projectUrl: 'https://demo.example.org/x' });
    expect(extractLinks('Models: https://huggingface.co/spaces/org/app.')).toEqual({
      codeUrl: 'https://huggingface.co/spaces/org/app',
      projectUrl: null,
    });
  });

  it('reads the comment after the abstract', () => {
    expect(
      extractLinks(
        'No links here.',
        'CVPR 2025. Project page: https://x.github.io/p, code: https://github.com/x/p',
      ),
    ).toEqual({ codeUrl: 'https://github.com/x/p', projectUrl: 'https://x.github.io/p' });
  });

  it('does not take a profile, a host front page or a reference for a repository or project', () => {
    expect(
      extractLinks(
        'By https://github.com/someone at www.github.com. See https://doi.org/10.1000/1 and https://youtu.be/abc.',
      ),
    ).toEqual({ codeUrl: null, projectUrl: null });
  });

  it('returns nothing for text without links', () => {
    expect(extractLinks('', null, undefined, 'plain text, e.g. 3.5 and x.y')).toEqual({
      codeUrl: null,
      projectUrl: null,
    });
  });
});
