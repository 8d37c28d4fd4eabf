// Bench: the story generator's entropy rate, the lower bound on any model's loss (see src/corpus/stories.ts).
import { resolveConfig } from '../train/config';
import { entropyRate } from '../corpus/stories';

export function benchCorpusBound(stories = 20_000) {
  const config = resolveConfig({}, { quick: false });
  const start = performance.now();
  const rate = entropyRate(stories, config.corpus_seed);
  const seconds = (performance.now() - start) / 1000;
  const round = (x: number) => Number(x.toFixed(4));
  return {
    bench: 'corpus_bound',
    // Per token of the pretraining stream: words, <eos> and the next <bos> (certain).
    nats_per_token: round(rate.nats_per_token),
    standard_error: round(rate.standard_error),
    // Per token of a whole story given <bos>: words and <eos>.
    nats_per_story_token: round(rate.nats_per_story_token),
    story_standard_error: round(rate.story_standard_error),
    stories: rate.stories,
    seconds: Number(seconds.toFixed(1)),
  };
}
