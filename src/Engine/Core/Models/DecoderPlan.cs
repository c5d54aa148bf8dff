namespace Reef.Engine.Models;

/// <summary>
/// What a decoder will read from a model's weights, checked against the headers before any weight is read: the config, the
/// family's naming, the plan that assembles blocks, how many blocks run, and every tensor they need with its shape.
/// </summary>
public sealed record DecoderPlan(ModelConfig Config, FamilyLayout Layout, WeightPlan Plan, int Layers, IReadOnlyList<(string Name, long[] Shape)> Tensors)
{
    /// <summary>The plan for blocks 0..<paramref name="layers"/>-1: embeddings (and learned positions), then each block's tensors.</summary>
    public static DecoderPlan For(ModelConfig config, FamilyLayout layout, int layers)
    {
        var plan = new WeightPlan(config, layout);
        var wanted = new List<(string Name, long[] Shape)> { plan.Embedding() };
        if (layout.EmbedPositions != null) wanted.Add(plan.PositionEmbedding());
        for (var i = 0; i < layers; i++) wanted.AddRange(plan.Block(i));
        return new DecoderPlan(config, layout, plan, layers, wanted);
    }
}
