namespace Reef.Grains;

/// <summary>
/// What one silo may run at once: as many extractions as it has accelerators (none on a CPU silo) and one
/// matrix tile (a tile's matmul already uses every core).
/// </summary>
public sealed class SiloCapacity
{
    public SiloCapacity(int accelerators)
    {
        Accelerators = accelerators;
        Extractions = new SemaphoreSlim(Math.Max(1, accelerators));
    }

    public int Accelerators { get; }

    public bool HasAccelerator => Accelerators > 0;

    public SemaphoreSlim Extractions { get; }

    public SemaphoreSlim Tiles { get; } = new(1);

    /// <summary>Most bytes a model's weights may take loaded whole here before extraction streams it; null: half the machine's memory.</summary>
    public long? MaxMemoryBytes { get; init; }
}
