using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Reef.Grains.Placement;

/// <summary>
/// Keeps the silos whose own metadata declares an accelerator. Orleans' built-in metadata filters compare
/// with the calling silo's values, which would place an extraction called from a CPU silo on CPU silos;
/// this one checks the key itself. No accelerator silo left means the placement fails, and the caller retries.
/// </summary>
public sealed class AcceleratorPlacementFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos) =>
        silos.Where(silo => metadata.GetSiloMetadata(silo).Metadata.ContainsKey(AcceleratorMetadata.Key));
}
