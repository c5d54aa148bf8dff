namespace Reef.Grains.Placement;

/// <summary>The silo metadata key an accelerator silo declares (its value says what it has, e.g. "cuda:1" or "cpu").</summary>
public static class AcceleratorMetadata
{
    public const string Key = "reef.accelerator";
}
