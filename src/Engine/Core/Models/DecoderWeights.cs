using Reef.Engine.Checkpoints;
using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>
/// The weights a decoder needs up to a given layer, read from a <see cref="Checkpoint"/>. Every tensor's
/// shape is checked against the config before anything is read; the LM head and final norm are never loaded.
/// </summary>
public sealed class DecoderWeights : IDisposable
{
    readonly bool _ownsTensors = true;

    DecoderWeights(ModelConfig config, FamilyLayout layout, Tensor embed, Tensor? positions, List<BlockWeights> blocks, bool ownsTensors = true)
    {
        _ownsTensors = ownsTensors;
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
        using var reader = new CheckpointReader(checkpoint, bytesRead);
        return Load(reader, compute, lastLayer);
    }

    /// <summary>Loads blocks 0..<paramref name="lastLayer"/> through <paramref name="reader"/>, in storage order (sequential I/O).</summary>
    public static DecoderWeights Load(IWeightReader reader, ComputeOptions compute, int? lastLayer = null)
    {
        var (config, layout, plan, layers, wanted) = reader.Plan(lastLayer);
        var loaded = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var name in reader.InStorageOrder(wanted.Select(w => w.Name))) loaded[name] = ReadConverted(reader, name, compute);
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

    /// <summary>
    /// Reads blocks 0..<paramref name="lastLayer"/> one at a time in their stored dtype, hands each to <paramref name="use"/> and
    /// frees it: what a pass over the weights that needs no activations holds at once is one block.
    /// </summary>
    public static void ForEachBlock(IWeightReader reader, Action<int, BlockWeights> use, int? lastLayer = null)
    {
        var (_, _, plan, layers, _) = reader.Plan(lastLayer);
        for (var layer = 0; layer < layers; layer++)
        {
            using var block = plan.Assemble(layer, plan.Block(layer).ToDictionary(t => t.Item1, t => reader.Read(t.Item1), StringComparer.Ordinal));
            use(layer, block);
        }
    }

    /// <summary>Reads one tensor and converts it to the compute dtype and device, holding the stored form no longer than that.</summary>
    public static Tensor ReadConverted(IWeightReader reader, string name, ComputeOptions compute) => Converted(reader.Read(name), compute);

    /// <summary>Reads rows <paramref name="rows"/> of a matrix (<see cref="IWeightReader.ReadRows"/>) converted to the compute dtype and device.</summary>
    public static Tensor ReadRowsConverted(IWeightReader reader, string name, long[] rows, ComputeOptions compute) =>
        Converted(reader.ReadRows(name, rows), compute);

    static Tensor Converted(Tensor raw, ComputeOptions compute)
    {
        var converted = raw.to(compute.Dtype, compute.Device);
        if (!ReferenceEquals(converted, raw)) raw.Dispose();
        return converted;
    }

    /// <summary>
    /// Checks that every tensor blocks 0..<paramref name="lastLayer"/> need is present with the shape the config
    /// implies and a float dtype, from the headers alone, before any weight is read.
    /// </summary>
    public static DecoderPlan Validate(Checkpoint checkpoint, int? lastLayer = null)
    {
        var config = checkpoint.Config;
        var layers = Math.Min(config.Layers, (lastLayer ?? config.Layers - 1) + 1);
        var prefix = checkpoint.Tensors.ContainsKey("transformer.wte.weight") || !checkpoint.Tensors.ContainsKey("wte.weight") ? "transformer." : "";
        var layout = FamilyLayout.For(config.Architecture, prefix);
        // The config's claims against the headers first, so nothing below enumerates a lying layer count.
        ModelLimits.CheckLayersAgainstWeights(checkpoint, layout);
        var decoder = DecoderPlan.For(config, layout, layers);
        foreach (var (name, shape) in decoder.Tensors) decoder.Plan.Check(checkpoint, name, shape);
        return decoder;
    }

    /// <summary>
    /// Views of tensors the caller owns (a training run's parameters): the same decoder, with gradients flowing
    /// back into <paramref name="tensors"/>. Disposing the result leaves them alone.
    /// </summary>
    public static DecoderWeights FromTensors(ModelConfig config, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var prefix = tensors.ContainsKey("wte.weight") ? "" : "transformer.";
        var layout = FamilyLayout.For(config.Architecture, prefix);
        var plan = new WeightPlan(config, layout);
        var all = tensors.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var blocks = Enumerable.Range(0, config.Layers).Select(i => plan.Assemble(i, all)).ToList();
        foreach (var b in blocks) b.Owned.Clear();
        var positions = layout.EmbedPositions != null ? all[layout.EmbedPositions + ".weight"] : null;
        return new DecoderWeights(config, layout, all[layout.EmbedTokens + ".weight"], positions, blocks, ownsTensors: false);
    }

    public void Dispose()
    {
        if (!_ownsTensors) return;
        Embed.Dispose();
        Positions?.Dispose();
        foreach (var b in Blocks) b.Dispose();
    }
}
