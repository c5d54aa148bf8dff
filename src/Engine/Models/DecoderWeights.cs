using Reef.Engine.Checkpoints;
using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>
/// The weights a decoder needs up to a given layer, read from a <see cref="Checkpoint"/>. Every tensor's
/// shape is checked against the config before anything is read; the LM head and final norm are never loaded.
/// </summary>
public sealed class DecoderWeights : IDisposable
{
    DecoderWeights(ModelConfig config, FamilyLayout layout, Tensor embed, Tensor? positions, List<BlockWeights> blocks)
    {
        Config = config;
        Layout = layout;
        Embed = embed;
        Positions = positions;
        Blocks = blocks;
    }

    public ModelConfig Config { get; }
    public FamilyLayout Layout { get; }
    public Tensor Embed { get; }
    /// <summary>Learned absolute positions (GPT-2); null for rotary families.</summary>
    public Tensor? Positions { get; }
    public IReadOnlyList<BlockWeights> Blocks { get; }

    /// <summary>
    /// Loads blocks 0..<paramref name="lastLayer"/> of <paramref name="checkpoint"/>, reporting bytes read.
    /// </summary>
    public static DecoderWeights Load(Checkpoint checkpoint, ComputeOptions compute, int? lastLayer = null,
        IProgress<long>? bytesRead = null)
    {
        var config = checkpoint.Config;
        var layers = Math.Min(config.Layers, (lastLayer ?? config.Layers - 1) + 1);
        var prefix = checkpoint.Tensors.ContainsKey("transformer.wte.weight") || !checkpoint.Tensors.ContainsKey("wte.weight") ? "transformer." : "";
        var layout = FamilyLayout.For(config.Architecture, prefix);
        var plan = new WeightPlan(checkpoint, config, layout);

        var wanted = new List<(string Name, long[] Shape)>();
        wanted.Add(plan.Embedding());
        if (layout.EmbedPositions != null) wanted.Add(plan.PositionEmbedding());
        for (var i = 0; i < layers; i++) wanted.AddRange(plan.Block(i));
        foreach (var (name, shape) in wanted) plan.Check(name, shape);

        var loaded = ReadAll(checkpoint, wanted.Select(w => w.Name), compute, bytesRead);
        try
        {
            var blocks = Enumerable.Range(0, layers).Select(i => plan.Assemble(i, loaded)).ToList();
            var embed = loaded[layout.EmbedTokens + ".weight"];
            var positions = layout.EmbedPositions != null ? loaded[layout.EmbedPositions + ".weight"] : null;
            return new DecoderWeights(config, layout, embed, positions, blocks);
        }
        catch
        {
            foreach (var t in loaded.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>Reads tensors in file order (sequential I/O), converting each to the compute dtype and device.</summary>
    static Dictionary<string, Tensor> ReadAll(Checkpoint checkpoint, IEnumerable<string> names, ComputeOptions compute,
        IProgress<long>? bytesRead)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        long total = 0;
        try
        {
            foreach (var group in names.Distinct().Select(n => checkpoint.Tensors[n]).GroupBy(t => t.File.Path))
            {
                var file = group.First().File;
                using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
                foreach (var (_, entry) in group.OrderBy(t => t.Entry.Start))
                {
                    var raw = file.Read(entry, stream);
                    var converted = raw.to(compute.Dtype, compute.Device);
                    if (!ReferenceEquals(converted, raw)) raw.Dispose();
                    result[entry.Name] = converted;
                    total += entry.ByteLength;
                    bytesRead?.Report(total);
                }
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Embed.Dispose();
        Positions?.Dispose();
        foreach (var b in Blocks) b.Dispose();
    }

    /// <summary>Names and expected shapes of one family's tensors, and how they become <see cref="BlockWeights"/>.</summary>
    sealed class WeightPlan(Checkpoint checkpoint, ModelConfig c, FamilyLayout l)
    {
        readonly int _q = c.Heads * c.HeadDim, _kv = c.KvHeads * c.HeadDim, _d = c.HiddenSize, _ffn = c.IntermediateSize;

        string Name(int i, string part, string kind) => $"{l.LayerPrefix}{i}.{part}.{kind}";

        public (string, long[]) Embedding() => (l.EmbedTokens + ".weight", [c.VocabSize, _d]);
        public (string, long[]) PositionEmbedding() => (l.EmbedPositions + ".weight", [c.MaxPositions, _d]);

        public IEnumerable<(string, long[])> Block(int i)
        {
            var norms = l.Norm == NormFlavour.LayerNorm ? new[] { "weight", "bias" } : ["weight"];
            foreach (var kind in norms)
            {
                yield return (Name(i, l.InputNorm, kind), [_d]);
                yield return (Name(i, l.PostAttentionNorm, kind), [_d]);
            }
            if (l.ConvWeights)
            {
                // GPT-2 Conv1D: weight [in, out].
                yield return (Name(i, l.FusedQkv!, "weight"), [_d, 3L * _d]);
                yield return (Name(i, l.FusedQkv!, "bias"), [3L * _d]);
                yield return (Name(i, l.O, "weight"), [_d, _d]);
                yield return (Name(i, l.O, "bias"), [_d]);
                yield return (Name(i, l.Up, "weight"), [_d, _ffn]);
                yield return (Name(i, l.Up, "bias"), [_ffn]);
                yield return (Name(i, l.Down, "weight"), [_ffn, _d]);
                yield return (Name(i, l.Down, "bias"), [_d]);
                yield break;
            }
            if (l.FusedQkv != null)
            {
                yield return (Name(i, l.FusedQkv, "weight"), [_q + 2L * _kv, _d]);
                if (c.AttentionBias) yield return (Name(i, l.FusedQkv, "bias"), [_q + 2L * _kv]);
            }
            else
            {
                foreach (var (part, rows) in new[] { (l.Q, _q), (l.K, _kv), (l.V, _kv) })
                {
                    yield return (Name(i, part, "weight"), [rows, _d]);
                    if (c.AttentionBias) yield return (Name(i, part, "bias"), [rows]);
                }
            }
            yield return (Name(i, l.O, "weight"), [_d, _q]);
            // Llama's attention_bias covers o_proj too; Qwen2 has q/k/v biases only.
            if (c.AttentionBias && c.Architecture != Architecture.Qwen2) yield return (Name(i, l.O, "bias"), [_d]);
            if (l.FusedGateUp != null)
            {
                yield return (Name(i, l.FusedGateUp, "weight"), [2L * _ffn, _d]);
            }
            else
            {
                foreach (var part in new[] { l.Gate!, l.Up })
                {
                    yield return (Name(i, part, "weight"), [_ffn, _d]);
                    if (c.MlpBias) yield return (Name(i, part, "bias"), [_ffn]);
                }
            }
            yield return (Name(i, l.Down, "weight"), [_d, _ffn]);
            if (c.MlpBias) yield return (Name(i, l.Down, "bias"), [_d]);
        }

        public void Check(string name, long[] expected)
        {
            if (!checkpoint.Tensors.TryGetValue(name, out var found))
                throw new InvalidInputException(checkpoint.Directory,
                    $"tensor '{name}' is missing ({Architectures.ClassName(c.Architecture)} with {c.Layers} layers needs it)");
            if (!found.Entry.Shape.SequenceEqual(expected))
                throw new InvalidInputException(found.File.Path,
                    $"tensor '{name}' has shape [{string.Join(", ", found.Entry.Shape)}] but config.json implies [{string.Join(", ", expected)}]");
            if (found.Entry.Dtype is not (Dtype.F32 or Dtype.F16 or Dtype.BF16 or Dtype.F64))
                throw new InvalidInputException(found.File.Path, $"tensor '{name}' has dtype {Dtypes.Name(found.Entry.Dtype)}, not a float type");
        }

        public BlockWeights Assemble(int i, Dictionary<string, Tensor> t)
        {
            Tensor? Get(string part, string kind) => t.GetValueOrDefault(Name(i, part, kind));
            Tensor Must(string part, string kind) => t[Name(i, part, kind)];
            var owned = t.Where(kv => kv.Key.StartsWith($"{l.LayerPrefix}{i}.", StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
            BlockWeights block;
            if (l.ConvWeights)
            {
                var qkv = Must(l.FusedQkv!, "weight");
                var qkvBias = Must(l.FusedQkv!, "bias");
                block = new BlockWeights
                {
                    InputNorm = Must(l.InputNorm, "weight"), InputNormBias = Must(l.InputNorm, "bias"),
                    PostAttentionNorm = Must(l.PostAttentionNorm, "weight"), PostAttentionNormBias = Must(l.PostAttentionNorm, "bias"),
                    Q = qkv.narrow(1, 0, _d).t(), K = qkv.narrow(1, _d, _d).t(), V = qkv.narrow(1, 2 * _d, _d).t(),
                    QBias = qkvBias.narrow(0, 0, _d), KBias = qkvBias.narrow(0, _d, _d), VBias = qkvBias.narrow(0, 2 * _d, _d),
                    O = Must(l.O, "weight").t(), OBias = Must(l.O, "bias"),
                    Up = Must(l.Up, "weight").t(), UpBias = Must(l.Up, "bias"),
                    Down = Must(l.Down, "weight").t(), DownBias = Must(l.Down, "bias"),
                };
            }
            else
            {
                Tensor q, k, v;
                Tensor? qb = null, kb = null, vb = null;
                if (l.FusedQkv != null)
                {
                    var w = Must(l.FusedQkv, "weight");
                    (q, k, v) = (w.narrow(0, 0, _q), w.narrow(0, _q, _kv), w.narrow(0, _q + _kv, _kv));
                    if (Get(l.FusedQkv, "bias") is { } b) (qb, kb, vb) = (b.narrow(0, 0, _q), b.narrow(0, _q, _kv), b.narrow(0, _q + _kv, _kv));
                }
                else
                {
                    (q, k, v) = (Must(l.Q, "weight"), Must(l.K, "weight"), Must(l.V, "weight"));
                    (qb, kb, vb) = (Get(l.Q, "bias"), Get(l.K, "bias"), Get(l.V, "bias"));
                }
                Tensor? gate, up;
                if (l.FusedGateUp != null)
                {
                    var w = Must(l.FusedGateUp, "weight");
                    (gate, up) = (w.narrow(0, 0, _ffn), w.narrow(0, _ffn, _ffn));
                }
                else (gate, up) = (Must(l.Gate!, "weight"), Must(l.Up, "weight"));
                block = new BlockWeights
                {
                    InputNorm = Must(l.InputNorm, "weight"),
                    PostAttentionNorm = Must(l.PostAttentionNorm, "weight"),
                    Q = q, K = k, V = v, QBias = qb, KBias = kb, VBias = vb,
                    O = Must(l.O, "weight"), OBias = Get(l.O, "bias"),
                    Gate = gate, GateBias = l.Gate != null ? Get(l.Gate, "bias") : null,
                    Up = up, UpBias = Get(l.Up, "bias"),
                    Down = Must(l.Down, "weight"), DownBias = Get(l.Down, "bias"),
                };
            }
            block.Owned.AddRange(owned);
            return block;
        }
    }
}
