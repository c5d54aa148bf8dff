using Reef.Engine.Candidates;

namespace Reef.Grains;

/// <summary>
/// A fresh plan of a candidate registry while it is being made, a slice per timer tick (<see cref="RegistryGrain"/>):
/// reading every model's sketches and searching every new one take minutes at 10⁵ models, and neither a grain call
/// (Orleans' 30 s timeout) nor the registry's other callers may wait on a whole hub. First the models not in the index
/// are read into it, then what earlier searches proposed is restored, then the models never searched are searched.
/// </summary>
/// <param name="toIndex">Fingerprint keys not in the index yet, in key order.</param>
/// <param name="signatures">Fingerprint key → weight signature key, as the models' facts say.</param>
sealed class CandidatePlanning(IEnumerable<string> toIndex, IReadOnlyDictionary<string, string> signatures)
{
    public Queue<string> ToIndex { get; } = new(toIndex);
    public IReadOnlyDictionary<string, string> Signatures { get; } = signatures;
    /// <summary>Stored proposals of models read into the index, restored once every model is in it (their partners too).</summary>
    public List<CandidateProposals> ToRestore { get; } = [];
    /// <summary>Whether any model joined the index: the closure then starts from every related pair known.</summary>
    public bool Indexed { get; set; }
}
