using Orleans.Placement;

namespace Reef.Grains.Placement;

/// <summary>Placement filter: only silos that declare <see cref="AcceleratorMetadata.Key"/>.</summary>
public sealed class AcceleratorPlacementFilterStrategy() : PlacementFilterStrategy(0);
