"""A tiny MLP on two noisy interleaved moons, trained with minibatch SGD.

Standard library only, so it runs wherever python3 does. Writes metrics.csv and
checkpoint.json into --out; see README.md for the contract with sweepbook.
"""
import argparse, json, math, os, random, signal, sys

p = argparse.ArgumentParser(description=__doc__)
p.add_argument('--lr', type=float, required=True)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--steps', type=int, default=1000)
p.add_argument('--out', default='out')
p.add_argument('--resume', type=int, default=0, help='0: start fresh; >0: continue from the checkpoint in --out')
p.add_argument('--hidden', type=int, default=16)
p.add_argument('--batch', type=int, default=32)
p.add_argument('--log-every', type=int, default=10)
p.add_argument('--checkpoint-every', type=int, default=50)
args = p.parse_args()

# -----------------------------------------------------------------------------
# The data: the same for every run (its own fixed seed), so runs differ only by
# --seed (the init and the batches) and by what is swept.
def moons(n, noise, rng):
    points = []
    for i in range(n):
        label = i % 2
        t = math.pi * rng.random()
        x, y = (math.cos(t), math.sin(t)) if label == 0 else (1 - math.cos(t), 0.5 - math.sin(t))
        points.append(((x + rng.gauss(0, noise), y + rng.gauss(0, noise)), label))
    return points

data = moons(400, 0.2, random.Random(1234))
train, val = data[:300], data[300:]

# -----------------------------------------------------------------------------
# The model: 2 -> hidden (tanh) -> 2 (softmax), weights as nested lists. math.fsum,
# not sum: sum's rounding changed in Python 3.12, and at a large lr the runs are
# chaotic enough that one last bit changes the curve.
def forward(params, x):
    W1, b1, W2, b2 = params
    h = [math.tanh(w[0] * x[0] + w[1] * x[1] + b) for w, b in zip(W1, b1)]
    logits = [math.fsum(wi * hi for wi, hi in zip(w, h)) + b for w, b in zip(W2, b2)]
    top = max(logits)  # subtracted so that exp cannot overflow at a large lr
    lse = top + math.log(math.fsum(math.exp(z - top) for z in logits))
    return h, [z - lse for z in logits]  # log-probabilities

def loss_and_accuracy(params, points):
    loss = correct = 0
    for x, label in points:
        _, logp = forward(params, x)
        loss -= logp[label]
        correct += logp[label] == max(logp)
    return loss / len(points), correct / len(points)

def sgd_step(params, batch, lr):
    W1, b1, W2, b2 = params
    gW1 = [[0.0, 0.0] for _ in W1]; gb1 = [0.0] * len(b1)
    gW2 = [[0.0] * len(W1) for _ in W2]; gb2 = [0.0] * len(b2)
    for x, label in batch:
        h, logp = forward(params, x)
        dlogits = [math.exp(lp) - (k == label) for k, lp in enumerate(logp)]  # softmax + cross-entropy
        for k, d in enumerate(dlogits):
            gb2[k] += d
            for j, hj in enumerate(h):
                gW2[k][j] += d * hj
        for j, hj in enumerate(h):
            dh = math.fsum(dlogits[k] * W2[k][j] for k in range(len(W2))) * (1 - hj * hj)
            gb1[j] += dh
            gW1[j][0] += dh * x[0]
            gW1[j][1] += dh * x[1]
    s = lr / len(batch)
    return ([[w - s * g for w, g in zip(ws, gs)] for ws, gs in zip(W1, gW1)],
            [b - s * g for b, g in zip(b1, gb1)],
            [[w - s * g for w, g in zip(ws, gs)] for ws, gs in zip(W2, gW2)],
            [b - s * g for b, g in zip(b2, gb2)])

# -----------------------------------------------------------------------------
# Fresh start or resume. The checkpoint holds the RNG state too, so a resumed run
# draws the same batches as an uninterrupted one and its metrics match byte for byte.
os.makedirs(args.out, exist_ok=True)
metrics_path = os.path.join(args.out, 'metrics.csv')
ckpt_path = os.path.join(args.out, 'checkpoint.json')
HEADER = 'step,train_loss,val_loss,val_accuracy'
config = {k: getattr(args, k) for k in ('lr', 'seed', 'hidden', 'batch')}

def write_atomically(path, text):  # a reader (or a kill) never sees half a file
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.replace(path + '.tmp', path)

def save_checkpoint(step, params, rng):
    version, internal, gauss_next = rng.getstate()
    write_atomically(ckpt_path, json.dumps({'step': step, 'config': config, 'params': params,
                                            'rng': [version, list(internal), gauss_next]}))

ckpt = None
if args.resume > 0:
    if os.path.exists(ckpt_path):
        with open(ckpt_path) as f:
            ckpt = json.load(f)
        if ckpt['config'] != config:
            sys.exit(f'{ckpt_path} was written with {ckpt["config"]}, not {config}: refusing to resume')
    else:
        print(f'--resume {args.resume} but no {ckpt_path}: starting fresh', file=sys.stderr)

rng = random.Random(args.seed)
if ckpt is None:
    for path in (metrics_path, ckpt_path):
        if os.path.exists(path):
            os.remove(path)
    # scaled by 1/sqrt(fan_in) so the tanh units start unsaturated
    params = ([[rng.gauss(0, 1 / math.sqrt(2)) for _ in range(2)] for _ in range(args.hidden)],
              [0.0] * args.hidden,
              [[rng.gauss(0, 1 / math.sqrt(args.hidden)) for _ in range(args.hidden)] for _ in range(2)],
              [0.0] * 2)
    start = 0
    write_atomically(metrics_path, HEADER + '\n')
else:
    start, params = ckpt['step'], tuple(ckpt['params'])
    version, internal, gauss_next = ckpt['rng']
    rng.setstate((version, tuple(internal), gauss_next))
    # Rows logged after the checkpoint (a kill -9 loses the steps since) are logged
    # again; dropping them keeps the step column increasing. A cut last row goes too.
    lines = [HEADER, '']  # the file was removed: the rows before the checkpoint are lost
    if os.path.exists(metrics_path):
        with open(metrics_path) as f:
            lines = f.read().split('\n')
    header, rows = lines[0], [row for row in lines[1:-1] if int(row.split(',')[0]) <= start]
    write_atomically(metrics_path, '\n'.join([header] + rows) + '\n')
    print(f'resuming from step {start} (asked for {args.resume})', file=sys.stderr)

# SIGINT only sets a flag: the step in progress finishes, so the checkpoint never
# holds weights updated halfway or an RNG that has drawn part of a batch.
interrupted = []
signal.signal(signal.SIGINT, lambda signum, frame: interrupted.append(signum))

# -----------------------------------------------------------------------------
metrics = open(metrics_path, 'a')
step = start
while step < args.steps:
    if interrupted:
        save_checkpoint(step, params, rng)
        print(f'interrupted: checkpoint saved at step {step}', file=sys.stderr)
        sys.exit(130)
    step += 1
    params = sgd_step(params, [train[rng.randrange(len(train))] for _ in range(args.batch)], args.lr)
    if step % args.log_every == 0 or step == args.steps:
        train_loss, _ = loss_and_accuracy(params, train)
        val_loss, val_acc = loss_and_accuracy(params, val)
        metrics.write(f'{step},{train_loss:.6f},{val_loss:.6f},{val_acc:.4f}\n')
        metrics.flush()  # so sweepbook's live import sees the row now
        if step % 100 == 0 or step == args.steps:
            print(f'step {step}/{args.steps}: train loss {train_loss:.4f}, val loss {val_loss:.4f}, val acc {val_acc:.3f}', flush=True)
    if step % args.checkpoint_every == 0 or step == args.steps:
        save_checkpoint(step, params, rng)
metrics.close()
