// English function words plus the filler of natural-language questions. Kept short on purpose:
// content words common in papers ("model", "learning") still carry meaning and BM25 down-weights them.
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
  between both but by can could did do does doing down during each either few for from further had has have
  having he her here hers herself him himself his how i if in into is it its itself just let me more most my
  myself no nor not now of off on once only or other our ours ourselves out over own same she should so some
  such than that the their theirs them themselves then there these they this those through to too under until
  up upon very via was we were what when where which while who whom why will with within without would you
  your yours yourself yourselves`.split(/\s+/),
);
