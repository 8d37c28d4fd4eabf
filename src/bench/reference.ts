// Bench: the default config's reference model against the bound: held-out loss,
// the generator's own loss on the same stories, and what pretraining cost. Read
// from the reference cache (.cache/reference), pretraining first if it is not there.
import { initBackend } from '../train/backend';
import { configHash, resolveConfig } from '../train/config';
import { loadOrPretrain } from '../train/pretrain';

export async function benchReference() {
  const backend = await initBackend('auto');
  const config = resolveConfig({}, { quick: false });
  const reference = await loadOrPretrain(config);
  reference.model.dispose();
  const q = reference.quality;
  if (!q) throw new Error(`reference ${configHash(config, backend)}: its cache entry records no held-out loss`);
  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  return {
    bench: 'reference',
    backend,
    hash: q.hash,
    held_out_loss: round(q.held_out_loss, 4),
    bound: round(q.bound, 4),
    gap: round(q.held_out_loss - q.bound, 4),
    held_out_stories: q.held_out_stories,
    // As measured when it was pretrained (maybe earlier, under another load): CPU seconds are the steadier.
    pretrain_seconds: round(q.pretrain_seconds, 1),
    pretrain_cpu_seconds: round(q.pretrain_cpu_seconds, 1),
  };
}
