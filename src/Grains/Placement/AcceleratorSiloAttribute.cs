using Orleans.Placement;

namespace Reef.Grains.Placement;

/// <summary>Places the grain only on silos that declare an accelerator in their metadata.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class AcceleratorSiloAttribute() : PlacementFilterAttribute(new AcceleratorPlacementFilterStrategy());
